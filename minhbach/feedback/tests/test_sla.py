"""SLA timers against hand-computed working-day dates (DOMAIN.md §6.4), across Tết 2024.

Tết Giáp Thìn 2024: Thursday 08/02 to Wednesday 14/02 off. 30/4–1/5 2024: Saturday 27/04 to
Wednesday 01/05 off, with Monday 29/04 swapped for the make-up Saturday 04/05 (a working day).
The start day is day zero and not counted (BLDS 2015 Điều 147 khoản 2).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from minhbach.core.models import RuleSet
from minhbach.core.workdays.seed import seed_years
from minhbach.feedback import services, sla
from minhbach.feedback.models import Channel
from minhbach.units.tests.factories import make_agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture
def agency(db):
    seed_years([2023, 2024, 2025])
    return make_agency(name="UBND xã Thử")


def receive(agency, when: str):
    return services.feedback_receive(
        actor=None,
        agency=agency,
        channel=Channel.MINHBACH,
        text="Thủ tục chậm.",
        received_at=at(when),
        sender=services.Sender(name="Lê Văn Hùng", address="Thôn 1", phone="0905123456"),
    )


# received, refuse (2), request_info (5), answer (15): hand-computed.
VECTORS = [
    # Wed 07/02: Tết 08–14/02; working days 15,16,19,20,21,22,23,26,27,28,29/02,01,04,05,06/03.
    ("2024-02-07 10:00", D(2024, 2, 16), D(2024, 2, 21), D(2024, 3, 6)),
    # After the cut-off hour makes no difference for feedback: day zero is the day of receipt.
    ("2024-02-07 16:30", D(2024, 2, 16), D(2024, 2, 21), D(2024, 3, 6)),
    # Received during Tết (Sat 10/02): counting starts at the first working day, Thu 15/02.
    ("2024-02-10 09:00", D(2024, 2, 16), D(2024, 2, 21), D(2024, 3, 6)),
    # Fri 02/02: 05, 06, 07, then Tết, 15 (4th), 16 (5th) ... 01/03 (15th).
    ("2024-02-02 08:00", D(2024, 2, 6), D(2024, 2, 16), D(2024, 3, 1)),
    # Fri 26/04: 27/04–01/05 off (29/04 swapped), 02, 03, Sat 04/05 (make-up), 06, 07 ... 21/05 (15th).
    ("2024-04-26 09:00", D(2024, 5, 3), D(2024, 5, 7), D(2024, 5, 21)),
    # An ordinary week: Mon 04/03 → Wed 06/03, Mon 11/03, Mon 25/03.
    ("2024-03-04 09:00", D(2024, 3, 6), D(2024, 3, 11), D(2024, 3, 25)),
]


@pytest.mark.parametrize(("received", "refuse", "request_info", "answer"), VECTORS)
def test_due_dates_match_hand_computed(agency, received, refuse, request_info, answer):
    item = receive(agency, received)
    dues = sla.due_dates(item)
    assert (dues["refuse"].due_date, dues["request_info"].due_date, dues["answer"].due_date) == (
        refuse,
        request_info,
        answer,
    )


def test_makeup_saturday_counts(agency):
    # Thu 02/05: 03 (1), Sat 04/05 make-up (2).
    item = receive(agency, "2024-05-02 09:00")
    assert sla.due_dates(item)["refuse"].due_date == D(2024, 5, 4)


def test_answer_timer_pauses_while_waiting_for_the_sender(agency):
    item = receive(agency, "2024-02-07 10:00")
    item = services.feedback_request_info(
        actor=None, feedback=item, note="Số hồ sơ?", at=at("2024-02-07 11:00")
    )
    # Reply on Mon 19/02: waited 15, 16, 19 = 3 working days (Tết days do not count).
    item = services.feedback_info_received(actor=None, feedback=item, at=at("2024-02-19 09:00"))
    assert item.paused_working_days == 3
    assert sla.due_dates(item)["answer"].due_date == D(2024, 3, 11)  # 06/03 + 07, 08, 11


def test_publish_timer_runs_from_approval(agency):
    item = receive(agency, "2024-02-01 10:00")
    for step in ("start_handling",):
        item = getattr(services, f"feedback_{step}")(actor=None, feedback=item, at=at("2024-02-02 09:00"))
    item = services.feedback_submit_answer(
        actor=None, feedback=item, answer="Đã xử lý.", at=at("2024-02-05 09:00")
    )
    item = services.feedback_approve(actor=None, feedback=item, at=at("2024-02-07 09:00"))
    timers = sla.status_of(item, at("2024-02-07 10:00"))
    assert timers["publish"].due_date == D(2024, 2, 16)  # 15, 16 after Tết
    assert timers["answer"].status == sla.Status.ON_TIME
    # Published on Mon 19/02: late (publish timer ended 24:00 16/02).
    item = services.feedback_publish(
        actor=None, feedback=item, question_redacted="Thủ tục chậm.", at=at("2024-02-19 08:00")
    )
    timers = sla.status_of(item, at("2024-02-20 08:00"))
    assert timers["publish"].status == sla.Status.LATE
    assert not sla.answered_on_time(item, at("2024-02-20 08:00"))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2024-02-15 09:00", sla.Status.DUE_SOON),  # one working day left before 16/02
        ("2024-02-16 23:59", sla.Status.DUE_SOON),
        ("2024-02-17 00:00", sla.Status.LATE),  # 24:00 of the due date has passed
    ],
)
def test_running_refuse_timer_status(agency, as_of, expected):
    item = receive(agency, "2024-02-07 10:00")
    assert sla.status_of(item, at(as_of))["refuse"].status == expected


def test_running_answer_timer_on_time_then_late(agency):
    item = receive(agency, "2024-02-07 10:00")
    item = services.feedback_start_handling(actor=None, feedback=item, at=at("2024-02-07 11:00"))
    assert sla.status_of(item, at("2024-02-20 09:00"))["answer"].status == sla.Status.ON_TIME
    assert sla.status_of(item, at("2024-03-05 09:00"))["answer"].status == sla.Status.DUE_SOON
    assert sla.status_of(item, at("2024-03-07 00:00"))["answer"].status == sla.Status.LATE
    assert not sla.answered_on_time(item, at("2024-03-07 00:00"))
    # refuse / request_info no longer apply once handling started without them.
    assert set(sla.status_of(item, at("2024-02-20 09:00"))) == {"answer"}


def test_forward_restarts_timers(agency):
    item = receive(agency, "2024-02-07 10:00")
    other = make_agency(name="Phòng Tư pháp")
    item = services.feedback_forward(actor=None, feedback=item, to_agency=other, at=at("2024-02-16 09:00"))
    assert sla.due_dates(item)["answer"].due_date == D(2024, 3, 8)  # 15 working days from Fri 16/02


def test_limits_come_from_the_rule_set(agency):
    assert sla.limits(D(2024, 2, 7)) == {
        "refuse": 2,
        "request_info": 5,
        "answer": 15,
        "publish": 2,
        "forward": 5,
    }
    RuleSet.objects.create(
        domain="feedback",
        code="tinh-thu",
        version=1,
        name="Tỉnh rút ngắn",
        valid_from=D(2024, 1, 1),
        settings={"feedback": {"sla": {"answer": 10}}},
    )
    assert sla.limits(D(2024, 2, 7))["answer"] == 10
    item = receive(agency, "2024-02-07 10:00")
    assert sla.due_dates(item)["answer"].due_date == D(2024, 2, 28)
