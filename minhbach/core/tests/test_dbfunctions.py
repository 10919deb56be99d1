"""``Shifted``: a moment moved by a window, compared inside the database as Python compares it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Exists, F, OuterRef

from minhbach.core.dbfunctions import Shifted
from minhbach.core.models import RuleSet

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _row(code: str, at: dt.datetime) -> RuleSet:
    row = RuleSet.objects.create(domain="indicators", code=code, name=code, valid_from=dt.date(2024, 1, 1))
    RuleSet.objects.filter(pk=row.pk).update(created_at=at)  # auto_now_add ignores the value given
    return row


@pytest.mark.parametrize(
    "delta",
    [dt.timedelta(days=-30), dt.timedelta(hours=1), dt.timedelta(seconds=-1), dt.timedelta(days=400)],
)
def test_whole_seconds_compare_equal_at_the_boundary(delta):
    stored = dt.datetime(2024, 3, 1, 10, 0, 0, tzinfo=UTC)
    _row("a", stored)
    target = stored + delta
    rows = RuleSet.objects.filter(code="a").annotate(moved=Shifted(F("created_at"), delta))
    assert rows.filter(moved__gte=target).exists() and rows.filter(moved__lte=target).exists()
    assert not rows.filter(moved__gt=target).exists() and not rows.filter(moved__lt=target).exists()
    assert not rows.filter(moved__gte=target + dt.timedelta(seconds=1)).exists()
    assert rows.filter(moved__gt=target - dt.timedelta(seconds=1)).exists()


def test_fractions_keep_their_order_across_a_month_end():
    stored = dt.datetime(2024, 1, 31, 23, 59, 59, 750_000, tzinfo=UTC)
    _row("b", stored)
    moved = RuleSet.objects.filter(code="b").annotate(moved=Shifted(F("created_at"), dt.timedelta(days=1)))
    assert moved.filter(moved__gt=dt.datetime(2024, 2, 1, 23, 59, 59, tzinfo=UTC)).exists()
    assert moved.filter(moved__lt=dt.datetime(2024, 2, 2, 0, 0, 0, tzinfo=UTC)).exists()


def test_column_against_shifted_outer_column():
    """The use in the integrity flags: a correlated row's moment against this row's, 30 days back."""
    base = dt.datetime(2024, 5, 31, 8, 30, tzinfo=UTC)
    _row("late", base)
    _row("inside", base - dt.timedelta(days=30))
    _row("outside", base - dt.timedelta(days=30, seconds=1))

    def within(code: str) -> bool:
        earlier = RuleSet.objects.filter(
            code=code, created_at__gte=Shifted(OuterRef("created_at"), dt.timedelta(days=-30))
        )
        return RuleSet.objects.filter(code="late").filter(Exists(earlier)).exists()

    assert within("inside") and not within("outside")


def test_fractional_seconds_are_refused():
    with pytest.raises(ValueError, match="whole seconds"):
        Shifted(F("created_at"), dt.timedelta(milliseconds=1))
