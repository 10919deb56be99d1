"""Hand-built values of the non-dossier families: C1, C2, 3.1, 3.2, 3.5, 3.5b, K6, K7.

Desk D (under committee C) is assigned three procedures from 01/01/2024:
  P1 online (full), fee 50,000 đ, listed at the counter with the version in force;
  P2 not online, no fee, listing marked "none";  P3 online, no fee, never listed.
In February 2024: one online dossier of P1 with an electronic result, its fee paid online; one
in-person dossier of P1 with its fee paid at the counter.
  C2 = 1/3 (only P1 in sync); 3.1 = 2/3 (P1, P3 online); 3.2 = 1/2 (P1 used online, P3 not);
  3.5 = 1/1 (P1 is fee-bearing and its dossiers carry fee data); 3.5b = 1/1 (P1 paid online).
Committee C's register: three plan items triggered 01, 02 and 05/02, due (5 working days, Tết
skipped) 15, 16 and 19/02 — one published on time, one late (27/02), one never.
  C1 = 1/3. K6: one decided discipline case in force in February (another one expired in 2023
  does not count); K7: one initiative recognised in February (one without a decision does not).
"""

from __future__ import annotations

import datetime as dt

import pytest

from minhbach.accounts.tests.factories import make_official
from minhbach.disclosure import services as disclosure
from minhbach.disclosure.models import Kind
from minhbach.dossiers.models import DossierFee, DossierResult, OnlinePayment
from minhbach.emulation.models import DisciplineCase, Initiative
from minhbach.indicators import rollups
from minhbach.indicators.compute import table
from minhbach.indicators.tests.conftest import at
from minhbach.procedures.models import ProcedureAssignment, ProcedureListing, ProcedureVersion
from minhbach.procedures.tests.factories import make_procedure
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

START, END = dt.date(2024, 2, 1), dt.date(2024, 2, 29)


def _ratio(result, code):
    ratio = result.cell(code).ratio
    return (int(ratio.numerator), int(ratio.denominator))


@pytest.fixture
def world(db, make_dossier):
    from minhbach.core.workdays.seed import seed_years

    seed_years([2023, 2024])
    committee = make_agency(name="UBND xã Thử", kind=Agency.Kind.PEOPLE_COMMITTEE, code="000.31.15.H49")
    desk = make_agency(
        name="Một cửa xã Thử", kind=Agency.Kind.ONE_STOP_DESK, parent=committee, code="001.31.15.H49"
    )
    p1 = make_procedure("1.000001", fee_vnd=50000)
    p2 = make_procedure("1.000002", online_mode=ProcedureVersion.OnlineMode.NONE, full_online_eligible=False)
    p3 = make_procedure("1.000003")
    for version in (p1, p2, p3):
        ProcedureAssignment.objects.create(
            procedure=version.procedure, agency=desk, valid_from=dt.date(2024, 1, 1)
        )
    ProcedureListing.objects.create(procedure=p1.procedure, agency=desk, counter_medium="paper",
                                    counter_version=p1, counter_posted_on=dt.date(2024, 1, 5))  # fmt: skip
    ProcedureListing.objects.create(procedure=p2.procedure, agency=desk, counter_medium="none")
    online = make_dossier(agency=desk, accepted="2024-02-05 09:00", due="2024-02-08 17:00", channel=2,
                          procedure_version=p1)  # fmt: skip
    DossierResult.objects.create(dossier=online, name="Kết quả", file_url="https://example.invalid/kq.pdf")
    DossierFee.objects.create(
        dossier=online, name="Lệ phí", amount_vnd=50000, online_channel=OnlinePayment.NATIONAL_PORTAL
    )
    counter = make_dossier(
        agency=desk, accepted="2024-02-06 09:00", due="2024-02-09 17:00", procedure_version=p1
    )
    DossierFee.objects.create(dossier=counter, name="Lệ phí", amount_vnd=50000)
    rollups.rebuild()

    items = [
        disclosure.item_from_trigger(
            actor=None,
            agency=committee,
            kind=Kind.PLAN_REPORT,
            title=f"Kế hoạch {n}",
            trigger_kind="decision",
            trigger_ref=f"decision:{n}/KH",
            trigger_at=at(f"2024-02-0{n} 08:00"),
        )
        for n in (1, 2, 5)
    ]
    disclosure.item_publish(
        actor=None, item=items[0], published_at=at("2024-02-05 10:00"), url="https://example.invalid/1"
    )
    disclosure.item_publish(
        actor=None, item=items[1], published_at=at("2024-02-27 10:00"), url="https://example.invalid/2"
    )

    official = make_official(committee)
    DisciplineCase.objects.create(official=official, agency=committee, form="khien_trach", status="decided",
                                  decided_on=dt.date(2024, 1, 20), effective_from=dt.date(2024, 1, 20),
                                  effective_to=dt.date(2025, 1, 19))  # fmt: skip
    DisciplineCase.objects.create(official=official, agency=committee, form="khien_trach", status="expired",
                                  decided_on=dt.date(2022, 1, 20), effective_from=dt.date(2022, 1, 20),
                                  effective_to=dt.date(2023, 1, 19))  # fmt: skip
    Initiative.objects.create(
        title="Một cửa không giấy", agency=committee, kind="mo_hinh", recognition_number="12/QĐ-UBND",
        recognition_date=dt.date(2024, 2, 15),
    )  # fmt: skip
    Initiative.objects.create(title="Chưa công nhận", agency=committee, kind="mo_hinh")
    return committee, desk, items


def test_hand_built_values_of_the_other_families(world):
    committee, desk, items = world
    assert [i.due_at for i in items] == [dt.date(2024, 2, 15), dt.date(2024, 2, 16), dt.date(2024, 2, 19)], (
        "5 working days after the trigger, Tết 2024 (08–14/02) skipped: "
        "01/02 → 15/02, 02/02 → 16/02, 05/02 → 19/02"
    )
    result = table(committee, START, END)
    assert _ratio(result, "C2") == (1, 3)
    assert _ratio(result, "3.1") == (2, 3)
    assert _ratio(result, "3.2") == (1, 2)
    assert _ratio(result, "3.5") == (1, 1)
    assert _ratio(result, "3.5b") == (1, 1)
    assert _ratio(result, "C1") == (1, 3)
    assert result.cell("K6").value == 1 and result.cell("K6").meets is False
    assert result.cell("K7").value == 1 and result.cell("K7").meets is True
    # The desk alone: its procedures, none of the committee's register or evidence.
    alone = table(desk, START, END)
    assert _ratio(alone, "C2") == (1, 3)
    assert alone.cell("C1").na
    assert alone.cell("K6").value == 0
