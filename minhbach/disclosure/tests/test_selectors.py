"""Criterion C1 (§8.3): local dates compared, unpublished = not on time, no item due = N/A (D5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from minhbach.disclosure import selectors, services
from minhbach.disclosure.tests.conftest import at

D = dt.date
YEAR = (D(2024, 1, 1), D(2024, 12, 31))


def publish(item, when: str):
    return services.item_publish(actor=None, item=item, published_at=at(when), channels=["notice_board"])


def test_no_item_due_is_na_not_zero(district, calendar):
    rate = selectors.on_time_rate(district.commune_a, *YEAR)
    assert (rate.numerator, rate.denominator, rate.rate, rate.is_na) == (0, 0, None, True)


def test_on_time_late_and_unpublished(district, make_item, django_assert_num_queries):
    # Trigger Mon 04/03/2024 + 5 working days → due Mon 11/03.
    on_time = make_item(district.commune_a)
    late = make_item(district.commune_a)
    make_item(district.commune_a)  # never published: not on time
    last_minute = make_item(district.commune_a)
    publish(on_time, "2024-03-08 10:00")
    publish(late, "2024-03-12 08:00")
    # 23:30 local on the due date is 16:30 UTC: still the due day in Vietnam.
    publish(last_minute, "2024-03-11 23:30")
    with django_assert_num_queries(1):
        rate = selectors.on_time_rate(district.commune_a, *YEAR)
    assert (rate.numerator, rate.denominator) == (2, 4)
    assert rate.rate == Decimal("50.00")


def test_just_after_midnight_local_is_late_even_if_utc_says_otherwise(district, make_item):
    item = make_item(district.commune_a)  # due 11/03/2024
    publish(item, "2024-03-12 00:30")  # 11/03 17:30 UTC
    assert selectors.on_time_rate(district.commune_a, *YEAR).numerator == 0


def test_period_is_by_due_date(district, make_item):
    make_item(district.commune_a, trigger="2023-12-27 09:00")  # due 04/01/2024 (01/01 is a holiday)
    make_item(district.commune_a, trigger="2023-12-20 09:00")  # due 27/12/2023: outside 2024
    assert selectors.on_time_rate(district.commune_a, *YEAR).denominator == 1
    january = selectors.on_time_rate(district.commune_a, D(2024, 1, 1), D(2024, 1, 3))
    assert january.is_na


def test_subtree_counts_units_below(district, make_item):
    publish(make_item(district.commune_a), "2024-03-05 09:00")
    make_item(district.desk_a)
    make_item(district.commune_b)
    assert selectors.on_time_rate(district.commune_a, *YEAR).denominator == 2
    own = selectors.on_time_rate(district.commune_a, *YEAR, subtree=False)
    assert (own.numerator, own.denominator, own.rate) == (1, 1, Decimal("100.00"))
    assert selectors.on_time_rate(district.committee, *YEAR).denominator == 3


def test_rates_of_many_units_in_one_query(district, make_item, django_assert_num_queries):
    publish(make_item(district.commune_a), "2024-03-05 09:00")
    make_item(district.commune_a)
    publish(make_item(district.desk_a), "2024-03-20 09:00")
    agencies = [district.commune_a, district.desk_a, district.commune_b]
    with django_assert_num_queries(1):
        own = selectors.on_time_rates(agencies, *YEAR, subtree=False)
    with django_assert_num_queries(1):
        tree = selectors.on_time_rates(agencies, *YEAR)
    pairs = {pk: (r.numerator, r.denominator) for pk, r in own.items()}
    assert pairs == {district.commune_a.pk: (1, 2), district.desk_a.pk: (0, 1), district.commune_b.pk: (0, 0)}
    assert (tree[district.commune_a.pk].numerator, tree[district.commune_a.pk].denominator) == (1, 3)
    assert own[district.commune_b.pk].rate is None
    assert selectors.on_time_rates([], *YEAR) == {}


def test_contact_goes_stale_after_the_configured_period(district, calendar, settings):
    from django.utils import timezone

    from minhbach.disclosure.models import UnitContact

    contact = services.contact_create(
        actor=None, agency=district.committee, kind=UnitContact.Kind.PAKN_RECEPTION, name="Văn phòng",
        phone="0235 3880 000", valid_from=D(2024, 1, 2),
        confirmed_at=timezone.now() - dt.timedelta(days=91),
    )  # fmt: skip
    [block] = selectors.current_contacts(district.committee)
    assert block.contact == contact and not block.stale
    services.contact_confirm(actor=None, contact=contact, at=timezone.now() - dt.timedelta(days=93))
    [block] = selectors.current_contacts(district.committee)
    assert block.stale
