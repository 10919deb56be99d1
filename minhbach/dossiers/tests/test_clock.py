"""Clock rules as tables of dates (DOMAIN.md §5.6, §3.5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from minhbach.dossiers import services
from minhbach.dossiers.clock import due_date_of, judge, local_date
from minhbach.dossiers.models import Punctuality
from minhbach.dossiers.tests.conftest import at
from minhbach.procedures.models import TimeUnit
from minhbach.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db


# (accepted at, working days, expected day zero, expected due date)
ACCEPTANCE = [
    ("2024-02-07 10:00", 3, "2024-02-07", "2024-02-19"),  # Tết block 08–14/02 skipped
    ("2024-02-07 15:00", 3, "2024-02-07", "2024-02-19"),  # 15:00:00 is not after the cut-off
    ("2024-02-07 15:00:01", 3, "2024-02-15", "2024-02-20"),  # after 15:00: day zero after Tết
    ("2024-04-26 14:00", 5, "2024-04-26", "2024-05-07"),  # swap 29/4, holidays, make-up Sat 04/5 counted
    ("2024-05-04 09:00", 1, "2024-05-04", "2024-05-06"),  # received on the make-up Saturday itself
    ("2024-05-05 09:00", 1, "2024-05-06", "2024-05-07"),  # received on a Sunday: day zero is Monday
    ("2023-08-31 09:00", 2, "2023-08-31", "2023-09-06"),  # Quốc khánh 2023 and its substitute day
    ("2024-08-30 16:00", 1, "2024-09-04", "2024-09-05"),  # after cut-off before the 2/9/2024 holidays
]


@pytest.mark.parametrize(("accepted", "days", "zero", "due"), ACCEPTANCE)
def test_acceptance_vectors(register, accepted, days, zero, due):
    version = make_procedure(code=f"T.{days}", days=days)
    dossier = register(version=version, when=accepted)
    dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at(accepted))
    assert dossier.day_zero == dt.date.fromisoformat(zero)
    assert due_date_of(dossier.original_due_at) == dt.date.fromisoformat(due)
    assert dossier.effective_due_at == dossier.original_due_at
    assert local_date(dossier.printed_due_at) == dt.date.fromisoformat(due)  # closing hour of the due date
    assert dossier.printed_due_at.astimezone(at(accepted).tzinfo).hour == 17
    assert dossier.deadline_trace["due_date"] == due


def _in_progress(register, accepted="2024-03-04 09:00", days=5, unit=TimeUnit.WORKING_DAY):
    version = make_procedure(code=f"P.{days}.{unit}", days=days, unit=unit)
    dossier = register(version=version, when=accepted)
    dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at(accepted))
    return services.dossier_transfer(actor=None, dossier=dossier, at=at(accepted) + dt.timedelta(hours=1))


def test_pause_and_resume_keep_the_time_already_used(register):
    dossier = _in_progress(register)  # due Mon 11/03/2024
    assert due_date_of(dossier.effective_due_at) == dt.date(2024, 3, 11)
    services.dossier_request_supplement(
        actor=None, dossier=dossier, items=[{"name": "Bản sao sổ hộ khẩu", "reason": "thiếu"}],
        reason="Thiếu giấy tờ", at=at("2024-03-06 10:00"),
    )  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.remaining_value == Decimal(3)  # 05/03 and 06/03 used
    dossier = services.dossier_complete_supplement(actor=None, dossier=dossier, at=at("2024-03-11 10:00"))
    assert due_date_of(dossier.effective_due_at) == dt.date(2024, 3, 14)
    assert due_date_of(dossier.original_due_at) == dt.date(2024, 3, 11)  # the original stays on record


@pytest.mark.parametrize(
    ("finished", "expected"),
    [("2024-03-13 16:00", Punctuality.EARLY), ("2024-03-14 20:00", Punctuality.ON_TIME),
     ("2024-03-15 08:00", Punctuality.LATE)],
)  # fmt: skip
def test_judgement_after_a_pause(register, finished, expected):
    dossier = _in_progress(register)
    services.dossier_request_supplement(
        actor=None, dossier=dossier, items=[{"name": "Giấy tờ A"}], reason="Thiếu", at=at("2024-03-06 10:00")
    )
    services.dossier_complete_supplement(actor=None, dossier=dossier, at=at("2024-03-11 10:00"))
    dossier = services.dossier_finish(actor=None, dossier=dossier, at=at(finished))
    assert dossier.punctuality == expected


def test_second_supplement_request_after_acceptance_makes_it_late(register):
    dossier = _in_progress(register)
    for day in ("2024-03-05 09:00", "2024-03-07 09:00"):
        services.dossier_request_supplement(
            actor=None, dossier=dossier, items=[{"name": "Giấy tờ"}], reason="Thiếu", at=at(day)
        )
        services.dossier_complete_supplement(actor=None, dossier=dossier, at=at(day) + dt.timedelta(hours=2))
    dossier = services.dossier_finish(actor=None, dossier=dossier, at=at("2024-03-07 15:00"))
    assert dossier.supplements_after == 2
    assert dossier.punctuality == Punctuality.LATE  # although finished days before the due date


def test_supplement_before_acceptance_does_not_start_the_clock(register):
    dossier = register(when="2024-03-04 08:00")
    services.dossier_request_supplement(
        actor=None,
        dossier=dossier,
        items=[{"name": "Tờ khai"}],
        reason="Thiếu tờ khai",
        at=at("2024-03-04 08:10"),
    )
    dossier.refresh_from_db()
    assert (
        dossier.effective_due_at is None
        and dossier.supplements_before == 1
        and dossier.supplements_after == 0
    )
    dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-06 09:00"))
    assert dossier.day_zero == dt.date(2024, 3, 6)


def test_apology_is_single_and_never_clears_lateness(register):
    dossier = _in_progress(register)  # due 11/03
    extension = services.dossier_issue_extension(
        actor=None, dossier=dossier, reason="Chờ xác minh", new_due_at=at("2024-03-20 00:00"),
        at=at("2024-03-07 09:00"),
    )  # fmt: skip
    assert not extension.apology_late
    with pytest.raises(services.TransitionError):
        services.dossier_issue_extension(
            actor=None, dossier=dossier, reason="Lần hai", new_due_at=at("2024-03-25 00:00"),
            at=at("2024-03-08 09:00"),
        )  # fmt: skip
    dossier = services.dossier_finish(actor=None, dossier=dossier, at=at("2024-03-15 09:00"))
    assert dossier.extended_due_at == at("2024-03-20 00:00")
    assert dossier.punctuality == Punctuality.LATE  # D4: judged against the original appointment


def test_apology_on_the_due_date_is_flagged_late(register):
    dossier = _in_progress(register)
    extension = services.dossier_issue_extension(
        actor=None,
        dossier=dossier,
        reason="Chờ",
        new_due_at=at("2024-03-20 00:00"),
        at=at("2024-03-11 09:00"),
    )
    assert extension.apology_late


def test_withdrawal_ends_without_a_verdict(register):
    dossier = _in_progress(register)
    dossier = services.dossier_withdraw(
        actor=None, dossier=dossier, reason="Công dân rút", at=at("2024-03-05 09:00")
    )
    assert dossier.status == 7 and dossier.ended_at == at("2024-03-05 09:00")
    assert judge(dossier) == ""


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [(dt.date(2024, 3, 10), Punctuality.WITHIN_TIME), (dt.date(2024, 3, 11), Punctuality.WITHIN_TIME),
     (dt.date(2024, 3, 31), Punctuality.OVERDUE)],
)  # fmt: skip
def test_open_dossiers_at_the_end_of_a_period(register, period_end, expected):
    dossier = _in_progress(register)  # due 11/03
    assert judge(dossier, period_end=period_end) == expected


def test_open_dossier_waiting_for_the_citizen_is_judged_at_the_request(register):
    dossier = _in_progress(register)
    services.dossier_request_supplement(
        actor=None, dossier=dossier, items=[{"name": "Giấy tờ"}], reason="Thiếu", at=at("2024-03-06 10:00")
    )
    dossier.refresh_from_db()
    assert judge(dossier, period_end=dt.date(2024, 6, 30)) == Punctuality.WITHIN_TIME


def test_calendar_day_limits_move_by_the_days_paused(register):
    dossier = _in_progress(register, days=10, unit=TimeUnit.DAY)  # day zero 04/03 + 10 days = Thu 14/03
    assert due_date_of(dossier.effective_due_at) == dt.date(2024, 3, 14)
    services.dossier_request_supplement(
        actor=None, dossier=dossier, items=[{"name": "Giấy tờ"}], reason="Thiếu", at=at("2024-03-05 10:00")
    )
    dossier = services.dossier_complete_supplement(actor=None, dossier=dossier, at=at("2024-03-08 10:00"))
    assert due_date_of(dossier.effective_due_at) == dt.date(2024, 3, 18)  # +3 days = Sun 17/03 → Mon 18/03


def test_hour_limits_count_office_hours(register):
    dossier = _in_progress(register, accepted="2024-03-08 16:00", days=8, unit=TimeUnit.HOUR)
    assert dossier.effective_due_at == at("2024-03-11 16:00")  # 1 h Friday, 4 h Monday morning, 3 h afternoon


def test_calendar_correction_recomputes_open_dossiers_but_keeps_the_printed_date(
    register, django_capture_on_commit_callbacks
):
    from minhbach.core.workdays.services import calendar_day_set
    from minhbach.dossiers.models import DossierEvent

    dossier = _in_progress(register)  # due Mon 11/03/2024, printed 17:00 11/03
    finished = _in_progress(register, accepted="2024-03-04 10:00", days=1)
    services.dossier_finish(actor=None, dossier=finished, at=at("2024-03-05 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(
            actor=None, date=dt.date(2024, 3, 6), kind="public_holiday", name="Nghỉ đột xuất",
            legal_ref="Công văn thử nghiệm",
        )  # fmt: skip
    dossier.refresh_from_db()
    assert due_date_of(dossier.effective_due_at) == dt.date(2024, 3, 12)
    assert local_date(dossier.printed_due_at) == dt.date(2024, 3, 11)
    event = DossierEvent.objects.get(dossier=dossier, action="deadline_recomputed")
    assert event.payload["old_due_at"].startswith("2024-03-11")
    assert not DossierEvent.objects.filter(dossier=finished, action="deadline_recomputed").exists()


def test_a_removed_holiday_does_not_shorten_the_printed_appointment(
    register, django_capture_on_commit_callbacks
):
    from minhbach.core.models import CalendarDay
    from minhbach.core.workdays.services import calendar_day_remove

    dossier = _in_progress(register, accepted="2024-04-26 09:00", days=5)  # due 07/05 over the 30/4 holidays
    row = CalendarDay.objects.get(date=dt.date(2024, 4, 30))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_remove(actor=None, calendar_day=row, legal_ref="Thử nghiệm")
    dossier.refresh_from_db()
    assert due_date_of(dossier.effective_due_at) == dt.date(2024, 5, 7)  # the later of printed and recomputed


@pytest.mark.parametrize(("pauses", "due"), [(True, dt.date(2024, 3, 13)), (False, dt.date(2024, 3, 11))])
def test_waiting_for_a_payment_pauses_only_if_the_rule_set_says_so(register, pauses, due):
    from minhbach.core.models import RuleSet

    ruleset = RuleSet.objects.get(code="vn-2018", version=1)
    ruleset.settings = {**ruleset.settings, "dossier": {**ruleset.settings["dossier"],
                                                        "pause_on_financial_obligation": pauses}}  # fmt: skip
    ruleset.save()
    dossier = _in_progress(register)  # due Mon 11/03/2024
    services.dossier_notify_obligation(actor=None, dossier=dossier, at=at("2024-03-05 10:00"))
    dossier = services.dossier_confirm_payment(actor=None, dossier=dossier, at=at("2024-03-07 10:00"))
    assert due_date_of(dossier.effective_due_at) == due


def test_recomputation_reads_the_calendar_once_and_leaves_paused_dossiers_alone(register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minhbach.dossiers.models import DossierEvent

    running = [_in_progress(register, accepted=f"2024-03-0{day} 09:00") for day in (4, 5, 6)]
    paused = _in_progress(register, accepted="2024-03-04 10:00")
    services.dossier_request_supplement(
        actor=None, dossier=paused, items=[{"name": "Giấy tờ"}], reason="Thiếu", at=at("2024-03-05 10:00")
    )
    from minhbach.core.models import CalendarDay

    CalendarDay.objects.create(date=dt.date(2024, 3, 7), kind="local_day_off", name="Nghỉ", scope="national")
    with CaptureQueriesContext(connection) as queries:
        assert services.dossiers_recompute_for_calendar(dates=[dt.date(2024, 3, 7)]) == 3
    calendar_reads = [q for q in queries.captured_queries if "core_calendarday" in q["sql"]]
    assert len(calendar_reads) == 1
    for dossier in running:
        dossier.refresh_from_db()
    assert [due_date_of(d.effective_due_at) for d in running] == [
        dt.date(2024, 3, 12), dt.date(2024, 3, 13), dt.date(2024, 3, 14)
    ]  # fmt: skip
    assert not DossierEvent.objects.filter(dossier=paused, action="deadline_recomputed").exists()
