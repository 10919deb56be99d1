"""Back-office reads: scope (receiving or handling agency), due-soon by working days, counters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minhbach.accounts.tests.factories import make_official
from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import compute_due
from minhbach.dossiers import selectors, services
from minhbach.dossiers.models import Dossier, Status
from minhbach.dossiers.tests.conftest import at
from minhbach.procedures.tests.factories import make_procedure
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(district):
    return make_agency(name="Phòng Tư pháp", kind=Agency.Kind.OFFICE, parent=district.committee)


@pytest.fixture
def receive(district, calendar):
    version = make_procedure(days=3)

    def _receive(desk=None, *, when="2024-03-04 08:00", accept=True, **kwargs):
        dossier = services.dossier_register(
            actor=None,
            procedure_version=version,
            channel=1,
            receiving_agency=desk or district.desk_a,
            owner=services.ApplicantData(full_name="Hồ Thị Lan", citizen_id="049190000123"),
            submitted_at=at(when),
            **kwargs,
        )
        if accept:
            dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at(when))
        return dossier

    return _receive


def _set_due(dossier: Dossier, when: str, status: int = Status.IN_PROGRESS) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(effective_due_at=at(when), status=status)


def test_visible_by_receiving_or_handling_agency(district, users, receive, office):
    mine = receive(district.desk_a)
    theirs = receive(district.desk_b)
    handled = receive(district.desk_b)
    services.dossier_transfer(actor=None, dossier=handled, agency=office)
    specialist = make_official(office, roles=("specialist",)).user

    assert set(selectors.visible_dossiers(users["officer_a"])) == {mine}
    assert set(selectors.visible_dossiers(users["officer_b"])) == {theirs, handled}
    assert set(selectors.visible_dossiers(specialist)) == {handled}
    assert set(selectors.visible_dossiers(users["secretariat"])) == {mine, theirs, handled}
    assert not selectors.visible_dossiers(users["no_unit"]).exists()
    assert selectors.dossier_for(users["officer_a"], theirs.pk) is None


@pytest.mark.parametrize(
    ("now", "soon_day"),
    [
        # Wednesday before Tết Giáp Thìn: 08–14/02/2024 are off, so two working days reach Friday 16/02
        # (a calendar-day count would stop at Friday 09/02).
        ("2024-02-07 10:00", dt.date(2024, 2, 16)),
        # Friday 03/5/2024: Saturday 04/5 is a make-up working day, so the second one is Monday 06/5.
        ("2024-05-03 10:00", dt.date(2024, 5, 6)),
        # An ordinary Friday: Monday and Tuesday.
        ("2024-03-08 16:00", dt.date(2024, 3, 12)),
    ],
)
def test_due_soon_counts_working_days_from_the_calendar(calendar, now, soon_day):
    window = selectors.due_window(now=at(now))
    assert window.soon_day == soon_day
    assert window.soon_until == engine.end_of_day(soon_day)


def test_queue_highlights_and_orders_by_effective_due_date(district, users, receive):
    overdue, soon, later, registered = receive(), receive(), receive(), receive(accept=False)
    paused = receive()
    _set_due(overdue, "2024-02-06 00:00")
    _set_due(soon, "2024-02-16 00:00")
    _set_due(later, "2024-02-20 00:00", status=Status.ACCEPTED)
    # Paused (waiting for the supplement): its due date is not running, so never highlighted.
    Dossier.objects.filter(pk=paused.pk).update(
        effective_due_at=at("2024-02-01 00:00"), status=Status.SUPPLEMENT_REQUESTED, stage="after_acceptance"
    )
    window = selectors.due_window(now=at("2024-02-07 10:00"))

    result = selectors.queue(users["officer_a"], window=window)
    rows = list(result.rows)
    assert [d.pk for d in rows] == [paused.pk, overdue.pk, soon.pk, later.pk, registered.pk]
    flags = {d.pk: (d.is_overdue, d.is_due_soon) for d in rows}
    assert flags[overdue.pk] == (True, False)
    assert flags[soon.pk] == (False, True)
    assert flags[later.pk] == (False, False)
    assert flags[paused.pk] == (False, False)
    assert result.counters["overdue"] == 1 and result.counters["due_soon"] == 1
    assert result.counters["s4"] == 2 and result.counters["s2"] == 1 and result.counters["s1"] == 1
    assert result.counters["s5"] == 1 and result.counters["total"] == 5

    assert [d.pk for d in selectors.queue(users["officer_a"], window=window, due="qua-han").rows] == [
        overdue.pk
    ]
    assert [d.pk for d in selectors.queue(users["officer_a"], window=window, due="sap-den-han").rows] == [
        soon.pk
    ]
    only_new = selectors.queue(users["officer_a"], window=window, status=Status.REGISTERED)
    assert [d.pk for d in only_new.rows] == [registered.pk]
    # Counters describe the unit, not the filtered list.
    assert only_new.counters["total"] == 5


def test_queue_filtered_by_agency_and_scope(district, users, receive):
    a, b = receive(district.desk_a), receive(district.desk_b)
    window = selectors.due_window(now=at("2024-03-05 10:00"))
    assert {d.pk for d in selectors.queue(users["secretariat"], window=window).rows} == {a.pk, b.pk}
    by_b = selectors.queue(users["secretariat"], agency=district.commune_b, window=window)
    assert [d.pk for d in by_b.rows] == [b.pk]
    assert by_b.counters["total"] == 1
    assert list(selectors.queue(users["officer_a"], window=window).rows) == [a]


def test_counters_are_one_query_whatever_the_number_of_dossiers(district, users, receive):
    window = selectors.due_window(now=at("2024-03-05 10:00"))
    user = users["officer_a"]
    selectors.visible_dossiers(user).exists()  # the scope is cached on the user object
    for _i in range(3):
        receive()
    with CaptureQueriesContext(connection) as few:
        selectors.queue(user, window=window)
    for _i in range(7):
        receive()
    with CaptureQueriesContext(connection) as many:
        result = selectors.queue(user, window=window)
    assert len(few) == len(many) == 1
    assert result.counters["s2"] == 10


def test_stored_trace_renders_like_the_engine(district, calendar):
    deadline = compute_due(at("2024-02-07 16:00"), 3, "working_day", agency=district.desk_a)
    assert selectors.trace_lines(deadline.as_dict()) == deadline.lines()
    assert any("Tết" in line or "nghỉ" in line for line in deadline.lines())


def test_unknown_trace_line_is_shown_raw_not_dropped():
    lines = selectors.trace_lines({"trace": [{"event": "mystery", "day": "2024-01-02"}]})
    assert lines == ["event: mystery, day: 2024-01-02"]


def test_deadline_explanation_has_the_part_after_a_pause(receive):
    dossier = receive()
    services.dossier_transfer(actor=None, dossier=dossier, at=at("2024-03-04 09:00"))
    services.dossier_request_supplement(
        actor=None,
        dossier=dossier,
        items=[{"name": "Giấy chứng sinh"}],
        reason="Thiếu",
        at=at("2024-03-05 09:00"),
    )
    services.dossier_complete_supplement(actor=None, dossier=dossier, at=at("2024-03-11 09:00"))
    dossier.refresh_from_db()
    sections = selectors.deadline_explanation(dossier)
    assert [kind for kind, _lines in sections] == ["original", "after_pause"]
    assert all(lines for _kind, lines in sections)
