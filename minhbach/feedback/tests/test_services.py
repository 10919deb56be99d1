"""Services of feedback: the state table, codes, nothing written on a refused move, publication."""

from __future__ import annotations

import pytest

from minhbach.core.models import LedgerEntry
from minhbach.feedback import services
from minhbach.feedback.models import Category, Class766, Feedback, FeedbackEvent, FeedbackReaction, State
from minhbach.feedback.tests.test_sla import agency, at, receive  # noqa: F401 (fixture)
from minhbach.feedback.transitions import TRANSITIONS, allowed_actions

STEP_ARGS = {
    "refuse": {"reason": "Không rõ nội dung."},
    "request_info": {"note": "Xin số hồ sơ."},
    "info_received": {},
    "start_handling": {},
    "submit_answer": {"answer": "Đã chấn chỉnh."},
    "approve": {},
    "return_for_rework": {"note": "Bổ sung căn cứ."},
    "publish": {"question_redacted": "Thủ tục chậm."},
    "reopen": {"note": "Vẫn chưa được giải quyết."},
}


def _do(item, action, when="2024-03-05 09:00", **extra):
    kwargs = {**STEP_ARGS.get(action, {}), **extra}
    return getattr(services, f"feedback_{action}")(actor=None, feedback=item, at=at(when), **kwargs)


def _reach(item, state):
    path = {
        State.RECEIVED: [],
        State.INFO_REQUESTED: ["request_info"],
        State.REFUSED: ["refuse"],
        State.HANDLING: ["start_handling"],
        State.AWAITING_APPROVAL: ["start_handling", "submit_answer"],
        State.AWAITING_PUBLICATION: ["start_handling", "submit_answer", "approve"],
        State.PUBLISHED: ["start_handling", "submit_answer", "approve", "publish"],
        State.REOPENED: ["start_handling", "submit_answer", "approve", "publish", "reopen"],
    }[state]
    for action in path:
        item = _do(item, action)
    return item


@pytest.mark.parametrize("state", [s for s in State if s != State.FORWARDED])
@pytest.mark.parametrize("action", [a for a in TRANSITIONS if a != "forward"])
def test_state_table_is_enforced(agency, state, action):  # noqa: F811
    item = _reach(receive(agency, "2024-03-04 09:00"), state)
    events, ledger = FeedbackEvent.objects.count(), LedgerEntry.objects.count()
    if state in TRANSITIONS[action].sources:
        item = _do(item, action)
        assert item.state == TRANSITIONS[action].target
        assert FeedbackEvent.objects.count() == events + 1
        assert LedgerEntry.objects.count() == ledger + 1
    else:
        with pytest.raises(services.TransitionError, match="Không thể thực hiện"):
            _do(item, action)
        assert Feedback.objects.get(pk=item.pk).state == state
        assert (FeedbackEvent.objects.count(), LedgerEntry.objects.count()) == (events, ledger)


def test_allowed_actions_follow_domain_table():
    assert set(allowed_actions(State.RECEIVED)) == {"refuse", "request_info", "forward", "start_handling"}
    assert set(allowed_actions(State.INFO_REQUESTED)) == {"refuse", "info_received"}
    assert allowed_actions(State.REFUSED) == []
    assert set(allowed_actions(State.AWAITING_APPROVAL)) == {"approve", "return_for_rework"}
    assert allowed_actions(State.PUBLISHED) == ["reopen"]
    assert allowed_actions(State.REOPENED) == ["start_handling"]


def test_codes_are_consecutive_per_day(agency):  # noqa: F811
    codes = [
        receive(agency, when).code for when in ("2024-03-04 08:00", "2024-03-04 16:00", "2024-03-05 00:10")
    ]
    codes.append(receive(agency, "2024-03-04 23:59").code)
    assert codes == ["PAKN.20240304.0001", "PAKN.20240304.0002", "PAKN.20240305.0001", "PAKN.20240304.0003"]


def test_receive_classifies_and_marks_validity(agency):  # noqa: F811
    item = services.feedback_receive(
        actor=None,
        agency=agency,
        channel="hotline",
        text="Cán bộ gây khó dễ.",
        category=Category.CONDUCT,
        sender=services.Sender(name="Ẩn", phone="0905123456", anonymous=True),
        received_at=at("2024-03-04 08:00"),
    )
    assert item.class_766 == Class766.STAFF
    assert item.anonymous and not item.valid
    assert item.sender_name == "" and item.sender_phone == ""  # anonymous keeps no sender data
    assert item.substantiated == "pending"
    assert receive(agency, "2024-03-04 09:00").valid
    with pytest.raises(services.TransitionError):
        services.feedback_receive(actor=None, agency=agency, channel="minhbach", text="   ")


def test_publication_requires_redacted_question(agency):  # noqa: F811
    item = _reach(receive(agency, "2024-03-04 09:00"), State.AWAITING_PUBLICATION)
    with pytest.raises(services.TransitionError, match="ẩn thông tin cá nhân"):
        services.feedback_publish(actor=None, feedback=item, question_redacted="  ")
    item.refresh_from_db()
    assert item.state == State.AWAITING_PUBLICATION and item.published_at is None
    item = services.feedback_publish(
        actor=None,
        feedback=item,
        question_redacted="Gọi số [số điện thoại đã ẩn] không ai nghe.",
        answer="Đã bố trí trực.",
        at=at("2024-03-06 09:00"),
    )
    assert item.state == State.PUBLISHED and item.published_at == at("2024-03-06 09:00")
    assert "so dien thoai da an" in item.search_folded and "0905123456" not in item.search_folded


def test_forward_records_both_units_and_restarts(agency):  # noqa: F811
    from minhbach.units.tests.factories import make_agency

    other = make_agency(name="Sở Tư pháp")
    item = services.feedback_forward(
        actor=None, feedback=receive(agency, "2024-03-04 09:00"), to_agency=other, at=at("2024-03-05 10:00")
    )
    assert (item.state, item.agency, item.timer_start, item.forward_count) == (
        State.RECEIVED,
        other,
        at("2024-03-05 10:00"),
        1,
    )
    events = list(item.events.values_list("action", "to_state", "agency"))
    assert events[1:] == [
        ("forward", State.FORWARDED, agency.pk),
        ("receive_forwarded", State.RECEIVED, other.pk),
    ]
    with pytest.raises(services.TransitionError):
        services.feedback_forward(actor=None, feedback=item, to_agency=other)


def test_substantiated_only_for_conduct(agency):  # noqa: F811
    with pytest.raises(services.TransitionError):
        services.feedback_set_substantiated(
            actor=None, feedback=receive(agency, "2024-03-04 09:00"), value="yes"
        )
    item = services.feedback_receive(
        actor=None, agency=agency, channel="letter", text="Gây phiền hà.", category=Category.CONDUCT
    )
    item = services.feedback_set_substantiated(actor=None, feedback=item, value="no", note="Đã xác minh.")
    assert item.substantiated == "no"
    assert LedgerEntry.objects.filter(action="feedback.set_substantiated").count() == 1


def test_reactions_one_per_device_and_changeable(agency):  # noqa: F811
    item = _reach(receive(agency, "2024-03-04 09:00"), State.PUBLISHED)
    services.feedback_react(feedback=item, value="like", device_token="phone-1")
    services.feedback_react(feedback=item, value="like", device_token="phone-1")
    services.feedback_react(feedback=item, value="dislike", device_token="phone-2")
    assert FeedbackReaction.objects.filter(feedback=item).count() == 2
    services.feedback_react(feedback=item, value="dislike", device_token="phone-1")
    assert (
        list(FeedbackReaction.objects.filter(feedback=item).values_list("value", flat=True))
        == ["dislike"] * 2
    )
    unpublished = receive(agency, "2024-03-04 10:00")
    with pytest.raises(services.TransitionError):
        services.feedback_react(feedback=unpublished, value="like", device_token="phone-1")
