"""The demo register of Bắc Trà My: loads twice without duplicates, with late and unpublished items."""

from __future__ import annotations

import datetime as dt

import pytest

from minhbach.core.models import LedgerEntry
from minhbach.disclosure import selectors
from minhbach.disclosure.models import Article, PublicationItem, UnitContact
from minhbach.portal.demo.disclosure import CAMPAIGN, load_disclosure
from minhbach.portal.demo.units import load_units


@pytest.fixture
def units(calendar):
    return load_units()


def test_demo_loads_twice_without_duplicates(units):
    first = load_disclosure(units)
    counts = (PublicationItem.objects.count(), UnitContact.objects.count(), Article.objects.count())
    ledger = LedgerEntry.objects.count()
    second = load_disclosure(units)
    assert (PublicationItem.objects.count(), UnitContact.objects.count(), Article.objects.count()) == counts
    assert LedgerEntry.objects.count() == ledger
    assert (second.contacts, second.articles) == (0, 0)
    assert (second.items, second.late, second.unpublished) == (first.items, first.late, first.unpublished)
    assert first.late >= 1
    assert first.unpublished == 2
    assert first.contacts == 3 * (1 + len(units.communes))


def test_demo_content(units):
    load_disclosure(units)
    committee = units.district_committee
    spokesperson = UnitContact.objects.get(agency=committee, kind=UnitContact.Kind.SPOKESPERSON)
    assert spokesperson.title.startswith("Chánh Văn phòng") and spokesperson.phone.startswith("0235 ")
    launch = Article.objects.get(slug="phat-dong-phong-trao-thi-dua-hanh-chinh-trong-sach-minh-bach")
    assert CAMPAIGN in launch.title
    # Publishing the launch article fulfilled the plan item, on time.
    item = launch.publication_item
    assert item.published_at is not None and item.url.endswith(f"/{launch.slug}/")
    late = [
        i for i in PublicationItem.objects.filter(published_at__isnull=False)
        if i.published_at.date() > i.due_at
    ]  # fmt: skip
    assert late
    rate = selectors.on_time_rate(committee, dt.date(2023, 9, 1), dt.date(2024, 11, 30))
    assert 0 < rate.numerator < rate.denominator
    assert selectors.current_contacts(units.communes["20917"], dt.date(2024, 11, 30))[0].stale
