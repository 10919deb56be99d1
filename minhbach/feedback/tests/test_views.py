"""Pages of feedback: public pages never show sender data; staff pages are scoped (404 outside)."""

from __future__ import annotations

import importlib.util

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minhbach.accounts.tests.factories import make_official
from minhbach.core.workdays.seed import seed_years
from minhbach.feedback import services
from minhbach.feedback.models import Feedback, FeedbackReaction, State
from minhbach.feedback.tests.test_sla import at

SENDER = services.Sender(
    name="Nguyễn Thị Mai", address="Số 12 đường Trần Phú", phone="0912345678", email="mai.nguyen@example.vn"
)
SENDER_DATA = (SENDER.name, SENDER.address, SENDER.phone, SENDER.email)
ALL_PERMS = ("view_feedback", "add_feedback", "change_feedback", "approve_feedback")


@pytest.fixture
def grant(db):
    def _grant(user, *codenames):
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)
        )
        return user

    return _grant


@pytest.fixture
def item(district):
    seed_years([2024, 2025, 2026])
    return services.feedback_receive(
        actor=None,
        agency=district.desk_a,
        channel="minhbach",
        sender=SENDER,
        received_at=at("2024-03-04 09:00"),
        text=f"Tôi là {SENDER.name}, gọi {SENDER.phone} không ai nghe.",
    )


@pytest.fixture
def published(item):
    for step, kwargs in (
        ("start_handling", {}),
        ("submit_answer", {"answer": "Đã bố trí cán bộ trực máy."}),
        ("approve", {}),
    ):
        item = getattr(services, f"feedback_{step}")(
            actor=None, feedback=item, at=at("2024-03-05 09:00"), **kwargs
        )
    return services.feedback_publish(
        actor=None,
        feedback=item,
        question_redacted="Gọi [số điện thoại đã ẩn] không ai nghe (đường dây nóng).",
        at=at("2024-03-06 09:00"),
    )


def _login(client, user):
    client.force_login(user)


def test_public_pages_never_show_sender_data(client, published, item):
    pages = [
        reverse("feedback-public:list"),
        reverse("feedback-public:list") + "?q=duong day nong",
        reverse("feedback-public:detail", args=[published.code]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert published.code in body
        assert "đường dây nóng" in body
        for value in SENDER_DATA:
            assert value not in body, (url, value)


def test_public_search_is_folded_and_hides_unpublished(client, published, district):
    other = services.feedback_receive(
        actor=None, agency=district.desk_a, channel="minhbach", text="Đường dây nóng"
    )
    body = client.get(reverse("feedback-public:list"), {"q": "DUONG DAY"}).content.decode()
    assert published.code in body and other.code not in body
    assert (
        published.code not in client.get(reverse("feedback-public:list"), {"q": "khai sinh"}).content.decode()
    )
    assert client.get(reverse("feedback-public:detail", args=[other.code])).status_code == 404


def test_like_one_per_device_cookie(client, published):
    url = reverse("feedback-public:react", args=[published.code])
    client.post(url, {"value": "like"})
    client.post(url, {"value": "like"})
    assert FeedbackReaction.objects.filter(feedback=published).count() == 1
    client.post(url, {"value": "dislike"})
    assert list(FeedbackReaction.objects.values_list("value", flat=True)) == ["dislike"]
    client.cookies.clear()
    client.post(url, {"value": "like"})
    assert FeedbackReaction.objects.filter(feedback=published).count() == 2


def test_public_submission_identified_or_anonymous(client, district):
    url = reverse("feedback-public:submit")
    base = {
        "agency": district.desk_a.pk,
        "category": "other",
        "text": "Niêm yết thiếu phí.",
        "kind": "person",
    }
    response = client.post(url, base)
    assert response.status_code == 400  # identified by default: name, address, phone required
    assert not Feedback.objects.exists()
    response = client.post(url, {**base, "anonymous": "on"})
    assert response.status_code == 200
    item = Feedback.objects.get()
    assert item.anonymous and not item.valid and item.channel == "minhbach"
    assert item.code in response.content.decode()
    client.post(url, {**base, "name": "An", "address": "Thôn 2", "phone": "0905000111"})
    assert Feedback.objects.filter(valid=True).count() == 1


@pytest.mark.parametrize(
    ("who", "visible"), [("leader_a", True), ("officer_a", True), ("officer_b", False), ("no_unit", False)]
)
def test_staff_scope_is_404_outside(client, users, grant, item, who, visible):
    user = grant(users[who], *ALL_PERMS)
    _login(client, user)
    detail = client.get(reverse("feedback:detail", args=[item.pk]))
    assert detail.status_code == (200 if visible else 404)
    queue = client.get(reverse("feedback:queue")).content.decode()
    assert (item.code in queue) is visible
    action = client.post(reverse("feedback:action", args=[item.pk, "start_handling"]), {})
    assert action.status_code == (302 if visible else 404)


def test_staff_without_permission_is_404(client, district, item):
    _login(client, make_official(district.desk_a).user)
    assert client.get(reverse("feedback:queue")).status_code == 404
    assert client.get(reverse("feedback:detail", args=[item.pk])).status_code == 404


def test_staff_flow_through_the_forms(client, users, grant, item):
    officer = grant(users["officer_a"], "view_feedback", "change_feedback")
    leader = grant(users["leader_a"], *ALL_PERMS)
    _login(client, officer)
    detail = client.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert 'data-timer="answer"' in detail and SENDER.phone in detail  # staff see the sender
    act = lambda name, data=None: client.post(reverse("feedback:action", args=[item.pk, name]), data or {})  # noqa: E731
    assert act("start_handling").status_code == 302
    assert act("submit_answer", {"submit_answer-answer": ""}).status_code == 400
    assert act("submit_answer", {"submit_answer-answer": "Đã xử lý."}).status_code == 302
    assert act("approve").status_code == 404  # approval is the leader's
    client.logout()
    _login(client, leader)
    assert act("approve").status_code == 302
    page = client.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert 'name="publish-question_redacted"' in page
    form = page[page.index('name="publish-question_redacted"') :]
    form = form[: form.index("</textarea>")]
    assert "[họ tên đã ẩn]" in form and SENDER.name not in form
    if importlib.util.find_spec("minhbach.core.redaction"):
        assert SENDER.phone not in form
    response = act("publish", {"publish-question_redacted": "", "publish-answer": "Đã xử lý."})
    assert response.status_code == 400
    assert Feedback.objects.get(pk=item.pk).state == State.AWAITING_PUBLICATION
    act("publish", {"publish-question_redacted": "Gọi không ai nghe.", "publish-answer": "Đã xử lý."})
    assert Feedback.objects.get(pk=item.pk).state == State.PUBLISHED
    assert act("start_handling").status_code == 400  # refused by the state table, nothing written


def test_desk_entry_only_in_scope(client, users, grant, district):
    _login(client, grant(users["officer_a"], "view_feedback", "add_feedback"))
    data = {
        "channel": "hotline",
        "category": "conduct",
        "text": "Cán bộ hẹn nhiều lần.",
        "kind": "person",
        "name": "Bình",
        "address": "Thôn 3",
        "phone": "0905000222",
    }
    assert client.post(reverse("feedback:receive"), {**data, "agency": district.desk_b.pk}).status_code == 400
    response = client.post(reverse("feedback:receive"), {**data, "agency": district.desk_a.pk})
    item = Feedback.objects.get()
    assert response.status_code == 302 and item.class_766 == "staff" and item.channel == "hotline"


def test_queue_query_count_does_not_grow(client, users, grant, item, district):
    _login(client, grant(users["leader_a"], "view_feedback"))
    client.get(reverse("feedback:queue"))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("feedback:queue")).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(4):
        services.feedback_receive(
            actor=None,
            agency=district.desk_a,
            channel="letter",
            text="Thư.",
            received_at=at("2024-03-05 09:00"),
        )
    assert count() == before


def test_published_item_shows_related_procedure(client, district):
    from minhbach.procedures.tests.factories import make_procedure

    procedure = make_procedure(days=3).procedure
    item = services.feedback_receive(
        actor=None, agency=district.desk_a, channel="letter", text="Hỏi về thủ tục.", procedure=procedure
    )
    for step, kwargs in (("start_handling", {}), ("submit_answer", {"answer": "Trả lời."}), ("approve", {})):
        item = getattr(services, f"feedback_{step}")(actor=None, feedback=item, **kwargs)
    services.feedback_publish(actor=None, feedback=item, question_redacted="Hỏi về thủ tục.")
    body = client.get(reverse("feedback-public:detail", args=[item.code])).content.decode()
    assert procedure.name in body
