"""Registration transitions and the evidence registers' services (DOMAIN.md §10.3, §10.6–10.8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minhbach.accounts.tests.factories import make_official
from minhbach.core.models import LedgerEntry
from minhbach.emulation import services
from minhbach.emulation.models import (
    AnnualRating,
    DisciplineCase,
    Initiative,
    Registration,
    RegistrationEvent,
    Review,
)
from minhbach.emulation.transitions import TRANSITIONS, allowed_actions

State = Registration.State


@pytest.fixture
def registration(world, district):
    unit = district.committee  # not yet registered
    return services.registration_create(
        actor=None,
        movement=world.movement,
        agency=unit,
        pledges="Không có hồ sơ trễ hạn",
        targets={"C4": 100},
        officials=[make_official(unit)],
    )


def test_transition_table_of_10_3():
    assert allowed_actions(State.DRAFT) == ["submit"]
    assert allowed_actions(State.SUBMITTED) == ["approve", "return"]
    assert allowed_actions(State.RETURNED) == ["submit"]
    assert allowed_actions(State.APPROVED) == []
    assert TRANSITIONS["return"].target == State.RETURNED


def test_registration_path_draft_submitted_returned_submitted_approved(registration):
    assert registration.state == State.DRAFT and registration.individuals.count() == 1
    reg = services.registration_submit(actor=None, registration=registration)
    reg = services.registration_return(actor=None, registration=reg, note="Bổ sung chỉ tiêu K2")
    assert reg.state == State.RETURNED
    reg = services.registration_submit(actor=None, registration=reg)
    reg = services.registration_approve(actor=None, registration=reg)
    assert reg.state == State.APPROVED
    events = list(RegistrationEvent.objects.filter(registration=reg).values_list("action", "to_state"))
    assert events == [
        ("create", "draft"),
        ("submit", "submitted"),
        ("return", "returned"),
        ("submit", "submitted"),
        ("approve", "approved"),
    ]
    actions = LedgerEntry.objects.filter(object_type="emulation.registration", object_id=str(reg.pk))
    assert list(actions.values_list("action", flat=True)) == [
        "emulation.registration_create",
        "emulation.registration_submit",
        "emulation.registration_return",
        "emulation.registration_submit",
        "emulation.registration_approve",
    ]


@pytest.mark.parametrize(
    ("action", "state"), [("approve", State.DRAFT), ("return", State.DRAFT), ("submit", State.APPROVED)]
)
def test_refused_moves_write_nothing(registration, action, state):
    Registration.objects.filter(pk=registration.pk).update(state=state)
    registration.refresh_from_db()
    before = (RegistrationEvent.objects.count(), LedgerEntry.objects.count())
    kwargs = {"note": "x"} if action == "return" else {}
    with pytest.raises(ValidationError, match="Không thể thực hiện"):
        getattr(services, f"registration_{action}")(actor=None, registration=registration, **kwargs)
    registration.refresh_from_db()
    assert registration.state == state
    assert (RegistrationEvent.objects.count(), LedgerEntry.objects.count()) == before


def test_return_needs_a_note(registration):
    reg = services.registration_submit(actor=None, registration=registration)
    with pytest.raises(ValidationError, match="hoàn thiện"):
        services.registration_return(actor=None, registration=reg, note="  ")
    reg.refresh_from_db()
    assert reg.state == State.SUBMITTED


def test_second_registration_of_a_unit_is_refused(world):
    with pytest.raises(ValidationError, match="đã đăng ký"):
        services.registration_create(actor=None, movement=world.movement, agency=world.units[0])


def test_review_window_must_lie_in_the_movement(world):
    with pytest.raises(ValidationError, match="nằm trong"):
        services.review_create(
            actor=None,
            movement=world.movement,
            kind=Review.Kind.MIDTERM,
            data_from=dt.date(2023, 1, 1),
            data_to=dt.date(2024, 2, 29),
        )
    midterm = services.review_create(
        actor=None, movement=world.movement, kind=Review.Kind.MIDTERM, data_to=dt.date(2024, 2, 29)
    )
    assert midterm.data_from == dt.date(2023, 9, 1)


def test_a_unit_belongs_to_one_group(world):
    with pytest.raises(ValidationError, match="cụm, khối khác"):
        services.group_create(
            actor=None, movement=world.movement, code="G9", name="Khác", members=world.units[:1]
        )


def test_group_quotas_default_to_the_criteria_set(world):
    assert (world.group.quota_collective, world.group.quota_individual) == (2, 3)


def test_annual_rating_one_per_year_and_valid_level(world):
    official = make_official(world.units[0])
    kwargs = {
        "actor": None,
        "official": official,
        "year": 2024,
        "decided_on": dt.date(2024, 12, 20),
        "decided_by": "Chủ tịch UBND xã",
    }
    services.annual_rating_record(level="HTXSNV", **kwargs)
    with pytest.raises(ValidationError, match="đã có kết quả"):
        services.annual_rating_record(level="HTTNV", **kwargs)
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.annual_rating_record(**{**kwargs, "year": 2023, "level": "GIOI"})
    assert AnnualRating.objects.count() == 1


def test_decided_discipline_needs_form_and_date_and_starts_on_decision(world):
    official = make_official(world.units[0])
    with pytest.raises(ValidationError, match="hình thức"):
        services.discipline_case_record(
            actor=None, official=official, agency=world.units[0], status=DisciplineCase.Status.DECIDED
        )
    case = services.discipline_case_record(
        actor=None,
        official=official,
        agency=world.units[0],
        status=DisciplineCase.Status.DECIDED,
        form="warning",
        decided_on=dt.date(2024, 4, 1),
    )
    assert case.effective_from == dt.date(2024, 4, 1)


def test_initiative_recognition_needs_number_and_date(world):
    with pytest.raises(ValidationError, match="số và ngày"):
        services.initiative_create(
            actor=None,
            title="Sổ tay một cửa",
            agency=world.units[0],
            kind=Initiative.Kind.SOLUTION,
            recognition_number="12/QĐ",
        )
    assert not Initiative.objects.exists()


def test_verification_has_exactly_one_subject(world):
    with pytest.raises(ValidationError, match="đúng một"):
        services.verification_open(actor=None, kind="inspection", opened_on=dt.date(2024, 1, 1))


def test_manual_value_needs_a_known_criterion(world):
    with pytest.raises(ValidationError, match="Không có tiêu chí"):
        services.manual_value_enter(
            actor=None, review=world.review, criterion_code="Z9", value=1, reason="x", agency=world.units[0]
        )
