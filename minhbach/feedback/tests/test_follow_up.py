"""Citizen follow-ups on a published answer (DOMAIN.md §6.3 published → reopened, §6.5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minhbach.accounts.tests.factories import make_official
from minhbach.core.models import LedgerEntry
from minhbach.feedback import services
from minhbach.feedback.models import Feedback, FeedbackEvent, FeedbackFollowUp, State
from minhbach.feedback.tests.test_sla import at
from minhbach.feedback.tests.test_views import ALL_PERMS, grant, item, published  # noqa: F401

FOLLOWER = services.Sender(
    name="Trần Văn Bình", address="Thôn 3", phone="0935 111 222", email="binh@example.vn"
)
TEXT = "Vẫn chưa nhận được kết quả, gọi tôi 0935.111.222 hoặc CCCD 049190000123."


def _counts():
    return FeedbackFollowUp.objects.count(), FeedbackEvent.objects.count(), LedgerEntry.objects.count()


def test_follow_up_reopens_and_counts(published):  # noqa: F811
    before = _counts()
    follow_up = services.feedback_follow_up(
        feedback=published, text=TEXT, sender=FOLLOWER, device_token="dev-1", at=at("2024-03-08 10:00")
    )
    fresh = Feedback.objects.get(pk=published.pk)
    assert fresh.state == State.REOPENED
    assert fresh.reopened == 1
    assert follow_up.text == TEXT and follow_up.sender_phone == "0935 111 222"
    assert _counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    event = fresh.events.get(action="reopen")
    # Only the redacted text goes into the history and the ledger.
    assert "0935" not in event.note and "049190000123" not in event.note
    assert "Trần Văn Bình" not in event.note
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry.action == "feedback.reopen" and "0935" not in entry.payload


@pytest.mark.parametrize(
    ("sender", "text", "message"),
    [
        (services.Sender(name="", address="Thôn 3", phone="0935111222"), TEXT, "họ và tên"),
        (services.Sender(name="Bình", address="", phone="0935111222"), TEXT, "địa chỉ"),
        (services.Sender(name="Bình", address="Thôn 3", phone=""), TEXT, "số điện thoại"),
        (services.Sender(name="Bình", address="Thôn 3", phone="abc123"), TEXT, "không hợp lệ"),
        (FOLLOWER, "   ", "nội dung"),
        (FOLLOWER, "x" * 5001, "quá dài"),
    ],
)
def test_invalid_follow_up_writes_nothing(published, sender, text, message):  # noqa: F811
    before = _counts()
    with pytest.raises(services.TransitionError) as exc:
        services.feedback_follow_up(feedback=published, text=text, sender=sender, device_token="d")
    assert message in exc.value.messages[0].lower()
    assert _counts() == before
    assert Feedback.objects.get(pk=published.pk).state == State.PUBLISHED


def test_follow_up_only_on_a_published_answer(item):  # noqa: F811
    before = _counts()
    with pytest.raises(services.TransitionError, match="chỉ gửi phản ánh lại"):
        services.feedback_follow_up(feedback=item, text=TEXT, sender=FOLLOWER)
    assert _counts() == before


def test_follow_ups_are_limited_per_device_and_day(published):  # noqa: F811
    current = published
    for hour in (13, 14, 15):
        services.feedback_follow_up(
            feedback=current, text=TEXT, sender=FOLLOWER, device_token="same", at=at(f"2024-03-08 {hour}:00")
        )
        # Answered again, so that the state table allows the next follow-up.
        for step, kwargs in (
            ("start_handling", {}),
            ("submit_answer", {"answer": "Bổ sung."}),
            ("approve", {}),
        ):
            current = getattr(services, f"feedback_{step}")(
                actor=None, feedback=current, at=at(f"2024-03-08 {hour}:10"), **kwargs
            )
        current = services.feedback_publish(
            actor=None, feedback=current, question_redacted="Hỏi.", at=at(f"2024-03-08 {hour}:20")
        )
    before = _counts()
    with pytest.raises(services.TransitionError, match="quá nhiều"):
        services.feedback_follow_up(
            feedback=current, text=TEXT, sender=FOLLOWER, device_token="same", at=at("2024-03-08 16:00")
        )
    assert _counts() == before
    # Another device, or the next day, is accepted.
    services.feedback_follow_up(
        feedback=current, text=TEXT, sender=FOLLOWER, device_token="same", at=at("2024-03-09 15:30")
    )
    assert Feedback.objects.get(pk=current.pk).reopened == 4


def test_public_page_offers_the_form_and_reopens(client, published):  # noqa: F811
    url = reverse("feedback-public:detail", args=[published.code])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("feedback-public:follow-up", args=[published.code]) in page.content.decode()
    response = client.post(
        reverse("feedback-public:follow-up", args=[published.code]),
        {"text": TEXT, "name": FOLLOWER.name, "address": FOLLOWER.address, "phone": FOLLOWER.phone},
    )
    assert response.status_code == 200
    assert "Đã nhận phản ánh lại" in response.content.decode()
    assert Feedback.objects.get(pk=published.pk).state == State.REOPENED
    # The answer stays public, without the follow-up or its sender; no second form.
    body = client.get(url).content.decode()
    assert "cơ quan đang xử lý lại" in body
    for value in (FOLLOWER.name, "0935", "049190000123"):
        assert value not in body


def test_public_follow_up_with_missing_phone_is_400_and_writes_nothing(client, published):  # noqa: F811
    before = _counts()
    response = client.post(
        reverse("feedback-public:follow-up", args=[published.code]),
        {"text": TEXT, "name": FOLLOWER.name, "address": FOLLOWER.address, "phone": ""},
    )
    assert response.status_code == 400
    assert _counts() == before
    assert Feedback.objects.get(pk=published.pk).state == State.PUBLISHED


def test_public_follow_up_on_unknown_code_is_404(client, db):
    response = client.post(reverse("feedback-public:follow-up", args=["PAKN.20240101.9999"]), {"text": "x"})
    assert response.status_code == 404


def test_staff_see_the_follow_up(client, district, published, grant):  # noqa: F811
    services.feedback_follow_up(feedback=published, text=TEXT, sender=FOLLOWER, at=at("2024-03-08 10:00"))
    officer = grant(make_official(district.desk_a, roles=()).user, *ALL_PERMS)
    client.force_login(officer)
    body = client.get(reverse("feedback:detail", args=[published.pk])).content.decode()
    assert "data-follow-up" in body and FOLLOWER.name in body and "0935 111 222" in body
    other = grant(make_official(district.desk_b, roles=()).user, *ALL_PERMS)
    client.force_login(other)
    assert client.get(reverse("feedback:detail", args=[published.pk])).status_code == 404
