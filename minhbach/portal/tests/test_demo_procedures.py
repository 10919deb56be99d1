"""The demo catalogue: real procedures of a district and its communes, their listings, deliberate gaps."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command

from minhbach.core.models import LedgerEntry
from minhbach.portal.demo import procedures as demo
from minhbach.portal.demo.units import load_units
from minhbach.procedures import coverage
from minhbach.procedures.coverage import Status
from minhbach.procedures.models import (
    Procedure,
    ProcedureAssignment,
    ProcedureListing,
    ProcedureVersion,
)
from minhbach.units.models import Agency

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2025, 6, 30)


@pytest.fixture
def loaded():
    units = load_units()
    summary = demo.load_procedures(units)
    return units, summary


def _agency(slug: str) -> Agency:
    return Agency.objects.select_related("administrative_unit").get(slug=slug)


def test_catalogue_is_real_and_varied(loaded):
    _units, summary = loaded
    assert 40 <= summary.procedures <= 60
    assert Procedure.objects.count() == summary.procedures
    fields = set(Procedure.objects.values_list("field__name", flat=True))
    assert {"Hộ tịch", "Chứng thực", "Đất đai", "Hoạt động xây dựng", "Giảm nghèo"} <= fields
    assert any("hộ kinh doanh" in f for f in fields)
    for version in ProcedureVersion.objects.filter(status=ProcedureVersion.Status.IN_FORCE).prefetch_related(
        "channels", "documents", "results", "legal_bases"
    ):
        assert version.channels.all(), version
        assert version.documents.all(), version
        assert version.results.all(), version
        assert version.legal_bases.all(), version
    birth = Procedure.objects.get(code="1.001193")
    assert birth.current_version.decision.number == "163/QĐ-BTP"
    assert birth.versions.count() == 2


def test_commune_procedures_at_every_commune_desk_district_ones_at_the_district_desk(loaded):
    units, _summary = loaded
    records = demo.demo_data()["procedures"]
    commune = sum(r["handled_by"] == "commune" for r in records)
    district = len(records) - commune
    in_force = ProcedureAssignment.objects.filter(valid_from__lte=LAST_DAY, valid_to__gte=LAST_DAY)
    per_agency = Counter(in_force.values_list("agency__slug", flat=True))
    assert len(units.desks) == 13
    assert all(per_agency[desk.slug] == commune for desk in units.desks.values())
    assert per_agency[demo.DISTRICT_DESK] == district
    assert not ProcedureAssignment.objects.filter(valid_to__isnull=True).exists()


def test_tra_son_shows_missing_and_stale_listings(loaded):
    desk = _agency("mot-cua-xa-tra-son")
    ctx = coverage.check_context(desk, LAST_DAY)
    assert coverage.default_check_date(desk) == LAST_DAY  # the district ended on 30/6/2025
    cov = coverage.coverage(desk, ctx=ctx)
    assert (cov.stale, cov.missing) == (1, 2)
    assert cov.in_sync == cov.assigned - 3
    gaps = {
        (g.procedure.code, g.status, g.listed_decision, g.in_force_decision) for g in coverage.gaps(desk, ctx)
    }
    assert gaps == {
        ("1.001193", Status.STALE, "1872/QĐ-BTP", "163/QĐ-BTP"),
        ("1.011609", Status.MISSING, None, "967/QĐ-BNNMT"),
        ("2.001406", Status.MISSING, None, "858/QĐ-BTP"),
    }


def test_district_and_whole_territory(loaded):
    district_desk = coverage.coverage(_agency(demo.DISTRICT_DESK), LAST_DAY)
    assert (district_desk.stale, district_desk.missing) == (1, 3)
    whole = coverage.coverage(_agency("ubnd-huyen-bac-tra-my"), LAST_DAY)
    assert whole.stale == 3 and whole.missing == 10
    assert 90 < whole.percent < 100
    fully_listed = coverage.coverage(_agency("mot-cua-xa-tra-dong"), LAST_DAY)
    assert fully_listed.percent == 100


def test_media_vary_and_every_listing_is_recorded_in_the_ledger(loaded):
    media = Counter(ProcedureListing.objects.values_list("counter_medium", flat=True))
    assert set(media) == {"paper", "qr", "both"}
    assert (
        LedgerEntry.objects.filter(action="procedure.listing_recorded").count()
        >= ProcedureListing.objects.count()
    )


def test_loading_again_adds_nothing(loaded):
    units, _summary = loaded
    counts = (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        ProcedureAssignment.objects.count(),
        ProcedureListing.objects.count(),
        LedgerEntry.objects.count(),
    )
    demo.load_procedures(units)
    assert counts == (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        ProcedureAssignment.objects.count(),
        ProcedureListing.objects.count(),
        LedgerEntry.objects.count(),
    )


def test_load_demo_twice_writes_no_new_ledger_entries():
    with open("/dev/null", "w") as devnull:
        call_command("load_demo", stdout=devnull)
        entries, listings = LedgerEntry.objects.count(), ProcedureListing.objects.count()
        call_command("load_demo", stdout=devnull)
    assert LedgerEntry.objects.count() == entries
    assert ProcedureListing.objects.count() == listings
    assert Procedure.objects.count() == len(demo.demo_data()["procedures"])


def test_data_file_is_compact_and_self_contained():
    data = demo.demo_data()
    text = demo.DATA_FILE.read_text(encoding="utf-8")
    assert "raw_text" not in text and "trinh_tu_thuc_hien" not in text
    codes = [r["code"] for r in data["procedures"]]
    assert len(codes) == len(set(codes))
    for record in data["procedures"]:
        assert record["decision"] in data["decisions"]
        assert all(number in data["legal_texts"] for number in record["legal"])
    assert set(data["earlier_versions"]) == set(demo.STALE_AT)


def _national_records() -> dict[str, dict]:
    root = settings.SHARED_DATA_DIR / "procedures"
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in root.glob("*/*.json")}


@pytest.mark.skipif(
    not (settings.SHARED_DATA_DIR / "procedures").is_dir(), reason="national records (../shared) not present"
)
def test_facts_agree_with_the_national_records():
    records = _national_records()
    for demo_record in demo.demo_data()["procedures"]:
        source = records[demo_record["code"]]
        assert demo_record["name"] == " ".join(source["ten_thu_tuc"].split()).rstrip(".")
        assert demo_record["decision"] == source["so_quyet_dinh"]
        assert demo_record["field"] == source["linh_vuc"]
        for _name, code in demo_record["results"]:
            assert code in source["ket_qua_xu_ly"], (demo_record["code"], code)
        legal = source["can_cu_phap_ly"].replace("201335/2013", "35/2013")
        for number in demo_record["legal"]:
            assert number in legal, (demo_record["code"], number)
        ways = source["cach_thuc_thuc_hien"]
        for _channel, value, _unit, _text, fee, _fee_text in demo_record["channels"]:
            if value is not None:
                assert re.search(rf"(?<!\d){value}(?!\d)", ways), (demo_record["code"], value)
            if fee:
                assert f"{fee:,}" in ways, (demo_record["code"], fee)
