"""PAKN across Tết 2024: the group-5 indicators equal hand-computed values (D7 timers).

Answer timer: 15 working days from receipt; Tết holidays 08–14/02/2024.
  A received Mon 05/02: 06, 07, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29/02, 01/03, 04/03 → due 04/03.
    Approved 04/03, published 05/03: on time. Reactions: 2 likes, 1 dislike (satisfied).
  B received Wed 07/02: 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29/02, 01, 04, 05, 06/03 → due 06/03.
    Approved 07/03: late (so unsatisfied, each item once).
  C anonymous (information only): outside competence, counts nowhere.
  D conduct report received Tue 20/02, taken up 21/02 (within the 2-day refuse/take-up timer),
    substantiated (K5 = 1), never answered: answer due 12/03 (15 working days).
P = 01/02–31/03/2024: 5.2 = 1/3 (B late, D overdue at the end of P); 5.3 = 1/3.
P = 01/02–05/03/2024: 5.2 = 3/3 (B and D still within time at the end of P).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from minhbach.core.workdays.seed import seed_years
from minhbach.feedback import services
from minhbach.feedback.models import Category, Substantiated
from minhbach.indicators.compute import table
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


SENDER = services.Sender(name="Lê Văn Dân", address="Thôn 1, xã Thử", phone="0905111222")


def _answer(item, *, approved: str, published: str | None = None):
    item = services.feedback_start_handling(actor=None, feedback=item, at=at(approved) - dt.timedelta(days=1))
    item = services.feedback_submit_answer(actor=None, feedback=item, answer="Trả lời", at=at(approved))
    item = services.feedback_approve(actor=None, feedback=item, at=at(approved))
    if published:
        item = services.feedback_publish(
            actor=None, feedback=item, question_redacted="Câu hỏi", at=at(published)
        )
    return item


@pytest.fixture
def pakn(db):
    seed_years([2023, 2024, 2025])
    unit = make_agency(name="UBND xã Thử", kind=Agency.Kind.PEOPLE_COMMITTEE, code="000.31.15.H49")
    receive = dict(actor=None, agency=unit, channel="minhbach", text="Hỏi về thủ tục", sender=SENDER)
    a = services.feedback_receive(**receive, received_at=at("2024-02-05 09:00"))
    b = services.feedback_receive(**receive, received_at=at("2024-02-07 09:00"))
    services.feedback_receive(**{**receive, "sender": None}, received_at=at("2024-02-06 09:00"))
    d = services.feedback_receive(**receive, category=Category.CONDUCT, received_at=at("2024-02-20 09:00"))
    d = services.feedback_start_handling(actor=None, feedback=d, at=at("2024-02-21 09:00"))
    services.feedback_set_substantiated(actor=None, feedback=d, value=Substantiated.YES, note="Đã xác minh")
    a = _answer(a, approved="2024-03-04 16:00", published="2024-03-05 09:00")
    for n, value in enumerate(("like", "like", "dislike")):
        services.feedback_react(
            feedback=a, value=value, device_token=f"device-{n}", at=at("2024-03-06 09:00")
        )
    _answer(b, approved="2024-03-07 09:00")
    return unit, a, b, d


def test_answer_due_dates_are_the_hand_computed_ones(pakn):
    _unit, a, b, _d = pakn
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.answer_due_at.astimezone(VN).date() in (dt.date(2024, 3, 4), dt.date(2024, 3, 5))
    assert (a.answer_due_at - dt.timedelta(microseconds=1)).astimezone(VN).date() == dt.date(2024, 3, 4)
    assert (b.answer_due_at - dt.timedelta(microseconds=1)).astimezone(VN).date() == dt.date(2024, 3, 6)


def test_group_five_and_k5_across_tet(pakn):
    unit, _a, _b, _d = pakn
    result = table(unit, dt.date(2024, 2, 1), dt.date(2024, 3, 31))
    on_time = result.cell("5.2").ratio
    # A on time; B approved a day late; D never answered (due 12/03, passed by 31/03): 1 of 3.
    assert (on_time.numerator, on_time.denominator) == (1, 3)
    assert result.cell("C5").ratio == on_time
    satisfied = result.cell("5.3").ratio
    assert (satisfied.numerator, satisfied.denominator) == (1, 3)  # only A: B and D are late
    assert result.cell("K5").value == 1
    assert result.cell("K5").meets is False
    share = result.cell("5.1").ratio  # monitor: regulation items among those received
    assert (share.numerator, share.denominator) == (2, 3)


def test_an_item_still_within_time_at_the_end_of_the_period_is_on_time(pakn):
    unit, _a, _b, _d = pakn
    # At 05/03 B's answer (due 06/03) is not late yet, D's (due 12/03) neither.
    result = table(unit, dt.date(2024, 2, 1), dt.date(2024, 3, 5))
    ratio = result.cell("5.2").ratio
    assert (ratio.numerator, ratio.denominator) == (3, 3)
