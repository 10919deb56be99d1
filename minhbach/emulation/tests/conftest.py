"""Hand-built movements for the emulation tests: one group of communes, indicator values passed in."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from minhbach.accounts.models import Official
from minhbach.accounts.tests.factories import make_official
from minhbach.emulation import criteria, evaluation, services
from minhbach.emulation.models import EmulationGroup, Movement, Review, Standing
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

CRITERIA_FILE = criteria.CRITERIA_DIR / "bac-tra-my-2023-2024.json"
START, END = dt.date(2023, 9, 1), dt.date(2024, 11, 30)
GOOD = {
    "C1": 100,
    "C2": 100,
    "C3": 100,
    "C4": 100,
    "C5": 100,
    "K1": 0,
    "K2": 100,
    "K3": 100,
    "K4": 100,
    "SAT": 100,
}


def value(rate) -> evaluation.Value:
    if rate is None:
        return evaluation.Value(0, 0, None)
    return evaluation.Value(Decimal(rate), Decimal(100), Decimal(str(rate)))


@dataclasses.dataclass
class World:
    district: Agency
    units: list[Agency]
    movement: Movement
    review: Review
    group: EmulationGroup
    values: dict

    def set(self, unit: Agency, **rates) -> None:
        """Indicator rates (percent; ``None`` = N/A) of one unit; the others stay as they are."""
        for code, rate in rates.items():
            self.values[(unit.pk, code)] = value(rate)

    def evaluate(self, *, seed: str = "", reason: str = "", as_of: dt.date = dt.date(2024, 12, 10)):
        return evaluation.review_evaluate(
            actor=None, review=self.review, seed=seed, reason=reason, values=self.values, as_of=as_of
        )


@pytest.fixture
def criteria_set(db):
    cset, _outcome = services.criteria_set_load(actor=None, content=criteria.read_file(CRITERIA_FILE))
    return cset


@pytest.fixture
def world(district, criteria_set) -> World:
    """G2 of three communes (A, B and C) under the district committee; all registered and approved."""
    commune_c = make_agency(name="UBND xã C", parent=district.committee)
    units = [district.commune_a, district.commune_b, commune_c]
    movement = services.movement_create(
        actor=None,
        name="Phong trào thử",
        launching_agency=district.committee,
        criteria_set=criteria_set,
        period_start=START,
        period_end=END,
        launch_decision_number="123/QĐ-UBND",
        launch_decision_date=dt.date(2023, 8, 25),
    )
    review = services.review_create(actor=None, movement=movement, kind=Review.Kind.FINAL)
    group = services.group_create(
        actor=None, movement=movement, code="G2", name="Khối xã", members=units, head_unit=units[0]
    )
    for unit in units:
        reg = services.registration_create(actor=None, movement=movement, agency=unit)
        services.registration_submit(actor=None, registration=reg)
        services.registration_approve(actor=None, registration=reg)
    values = {(u.pk, code): value(rate) for u in units for code, rate in GOOD.items()}
    return World(district.committee, units, movement, review, group, values)


@pytest.fixture
def person(world):
    """Make an official of a unit (staff since 2020) and register him in the unit's registration."""

    def _person(
        unit: Agency, *, gender: str = Official.Gender.FEMALE, ratings=("HTTNV", "HTTNV")
    ) -> Official:
        official = make_official(unit, gender=gender)
        reg = world.movement.registrations.get(agency=unit)
        reg.individuals.create(official=official)
        for year, level in zip((2023, 2024), ratings, strict=False):
            if level:
                services.annual_rating_record(
                    actor=None,
                    official=official,
                    year=year,
                    level=level,
                    decided_on=dt.date(year, 12, 20),
                    decided_by="Chủ tịch UBND huyện",
                )
        return official

    return _person


def standing(evaluation_row, *, agency=None, official=None) -> Standing:
    return evaluation_row.standings.get(agency=agency, official=official)


@pytest.fixture
def engine_values(world, monkeypatch):
    """Re-evaluations inside services call the Indicators engine: answer with the world's values."""
    monkeypatch.setattr(evaluation, "_indicator_values", lambda **kw: world.values)
    return world.values


@pytest.fixture
def published(world, engine_values):
    """The final review evaluated, put to the units for reply, closed and published."""
    from minhbach.emulation import reply

    a, b, c = world.units
    world.set(a, C1=80)
    world.set(b, C1=90)
    world.set(c, C1=95)
    world.evaluate(seed="phiên họp")
    window = reply.reply_window_open(actor=None, review=world.review)
    reply.reply_window_close(actor=None, window=window)
    reply.review_publish(actor=None, review=world.review)
    world.review.refresh_from_db()
    return world
