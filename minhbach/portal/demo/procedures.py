"""Demo procedures of Bắc Trà My: 48 real procedures, who handled them in 2023–2024, and their
counter listings with a few deliberate gaps, so the coverage page has something to show.

The facts (code, name, field, announcing decision, time limit and fee per channel, main
documents, results, legal bases) come from the national database records and are kept, in a
compact form of our own, in ``procedures_demo.json`` beside this module: the demo needs no
``../shared`` checkout. Commune procedures go to the 13 commune one-stop desks, district
procedures to the district desk (Bộ phận Tiếp nhận và Trả kết quả huyện), from 01/01/2023 to
30/6/2025, the last day of the district (NQ 1659/NQ-UBTVQH15 [R]).

Gaps left on purpose (the coverage page of Trà Sơn and of the district shows them):

- **missing**: a few procedures never recorded as listed at Trà Sơn, Trà Nú, Trà Bui, Trà Giáp
  and at the district desk;
- **stale**: "Đăng ký khai sinh" (1.001193) and "Đăng ký kết hôn có yếu tố nước ngoài"
  (2.000806) were listed under QĐ 1872/QĐ-BTP (2020); the current decision then replaced it. Most
  desks re-listed khai sinh within days; Trà Sơn, Trà Ka and the district desk did not.

Everything goes through the services (``procedure_upsert``, ``procedures_assign``,
``listing_record``), so the ledger tells the same story. Loading twice adds nothing: upserts
are unchanged, assignments exist, and listings already on record are left as they are (a demo
user's own changes survive a reload).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from minhbach.portal.demo.units import LAST_OLD_DAY, DemoUnits
from minhbach.procedures import listing
from minhbach.procedures.models import Procedure, ProcedureListing, ProcedureVersion
from minhbach.procedures.services import (
    ChannelData,
    DocumentData,
    FeeData,
    LegalBasisData,
    ProcedureData,
    ResultData,
    procedure_upsert,
)
from minhbach.units.models import Agency

DATA_FILE = Path(__file__).with_name("procedures_demo.json")
# The records do not say when their decisions were signed: the demo treats the version they
# describe as in force from this day, before which only the two earlier versions exist.
CURRENT_FROM = dt.date(2023, 1, 1)
ASSIGNED_FROM = dt.date(2023, 1, 1)
ASSIGNED_TO = LAST_OLD_DAY
EARLIER_POSTED_ON = dt.date(2022, 6, 1)
RELISTED_ON = dt.date(2023, 1, 6)  # inside the 5 working days of grace after 01/01/2023
POSTED_ON = dt.date(2023, 2, 15)
DISTRICT_DESK = "mot-cua-huyen"
LOCATION = "Bảng niêm yết thủ tục hành chính tại Bộ phận Một cửa"

# Old commune code → codes never recorded as listed there.
COMMUNE_GAPS: dict[str, tuple[str, ...]] = {
    "20900": ("1.011609", "2.001406"),  # Xã Trà Sơn: the demo leader's commune
    "20905": ("2.000950",),  # Xã Trà Nú
    "20917": ("1.012812",),  # Xã Trà Bui
    "20929": ("2.002516", "1.000593", "1.000419"),  # Xã Trà Giáp
}
DISTRICT_GAPS = ("1.013979", "1.014034", "1.013227")
# Code → where the earlier listing was never replaced (old commune codes, or the district desk).
STALE_AT: dict[str, tuple[str, ...]] = {"1.001193": ("20900", "20932"), "2.000806": (DISTRICT_DESK,)}
# What each counter shows: most desks post paper and a QR code; a few paper only, or QR only.
MEDIUM_AT: dict[str, str] = {
    "20899": "both", "20900": "both", "20902": "paper", "20905": "both", "20908": "qr",
    "20911": "both", "20914": "both", "20917": "paper", "20920": "both", "20923": "qr",
    "20926": "both", "20929": "paper", "20932": "both", DISTRICT_DESK: "both",
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class DemoProcedures:
    procedures: int
    assignments: int
    listings: int
    gaps: int


@cache
def demo_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _channels(rows: list[list[Any]]) -> list[ChannelData]:
    channels = []
    for channel, value, unit, text, fee_vnd, fee_text in rows:
        channels.append(
            ChannelData(
                channel=channel,
                time_limit_value=Decimal(value) if value is not None else None,
                time_limit_unit=unit,
                time_limit_text=text,
                fee_text=fee_text,
                fees=[FeeData(name="Phí, lệ phí", amount_vnd=fee_vnd, basis_text=fee_text)],
            )
        )
    return channels


def procedure_data(record: dict[str, Any], *, earlier: dict[str, Any] | None = None) -> ProcedureData:
    """The ``ProcedureData`` of one demo record, or of its earlier version."""
    data = demo_data()
    decision = earlier["decision"] if earlier else record["decision"]
    meta = data["decisions"][decision]
    channels = _channels(earlier["channels"] if earlier else record["channels"])
    online = any(c.channel == 2 for c in channels)
    level = "commune" if record["handled_by"] == "commune" else "district"
    return ProcedureData(
        code=record["code"],
        name=record["name"],
        field=record["field"],
        decision=decision,
        decision_issuer=meta["issuer"],
        decision_signed_on=_date(meta.get("signed_on")),
        valid_from=_date(earlier["valid_from"]) if earlier else CURRENT_FROM,
        levels=[level],
        kind=record["kind"],
        subjects=list(record["subjects"]),
        performing_agencies=record["agency"],
        online_mode=ProcedureVersion.OnlineMode.PARTIAL if online else ProcedureVersion.OnlineMode.NONE,
        source_url=record["source"],
        channels=channels,
        documents=[
            DocumentData(name=name, originals=originals or None, copies=copies or None)
            for name, originals, copies in record["documents"]
        ],
        results=[ResultData(name=name, code=code) for name, code in record["results"]],
        legal_bases=[
            LegalBasisData(
                number=number,
                title=data["legal_texts"][number]["title"],
                issued_on=_date(data["legal_texts"][number]["issued_on"]),
            )
            for number in record["legal"]
        ],
    )


def _pairs(units: DemoUnits, records: list[dict[str, Any]]) -> list[tuple[str, Agency, str]]:
    """(place key, agency, code) for every assignment: old commune code or the district desk."""
    district_desk = units.offices[DISTRICT_DESK]
    pairs = []
    for record in records:
        if record["handled_by"] == "commune":
            pairs += [(code, desk, record["code"]) for code, desk in units.desks.items()]
        else:
            pairs.append((DISTRICT_DESK, district_desk, record["code"]))
    return pairs


def load_procedures(units: DemoUnits) -> DemoProcedures:
    """Load the demo catalogue, assignments and listings (call inside a transaction)."""
    data = demo_data()
    records = data["procedures"]
    earlier = data["earlier_versions"]

    # 1. The earlier versions first, so that they are what was in force in 2022.
    for code, spec in earlier.items():
        record = next(r for r in records if r["code"] == code)
        procedure_upsert(actor=None, data=procedure_data(record, earlier=spec))
    # 2. The current versions of everything else.
    for record in records:
        if record["code"] not in earlier:
            procedure_upsert(actor=None, data=procedure_data(record))
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=[r["code"] for r in records])}

    # 3. Who handles what.
    pairs = _pairs(units, records)
    by_agency: dict[int, tuple[Agency, list[Procedure]]] = {}
    for _place, agency, code in pairs:
        by_agency.setdefault(agency.pk, (agency, []))[1].append(procedures[code])
    for agency, assigned in by_agency.values():
        listing.procedures_assign(
            actor=None, agency=agency, procedures=assigned, valid_from=ASSIGNED_FROM, valid_to=ASSIGNED_TO
        )

    listed = set(
        ProcedureListing.objects.filter(agency_id__in=by_agency).values_list("agency_id", "procedure_id")
    )
    gaps = {(place, code) for place, codes in COMMUNE_GAPS.items() for code in codes}
    gaps |= {(DISTRICT_DESK, code) for code in DISTRICT_GAPS}

    # 4. The earlier listings of the procedures whose decision then changed.
    for place, agency, code in pairs:
        if code in earlier and (agency.pk, procedures[code].pk) not in listed:
            listing.listing_record(
                actor=None,
                agency=agency,
                procedure=procedures[code],
                medium=MEDIUM_AT[place],
                location=LOCATION,
                posted_on=EARLIER_POSTED_ON,
            )
    # 5. The new decisions arrive.
    for code in earlier:
        record = next(r for r in records if r["code"] == code)
        procedure_upsert(actor=None, data=procedure_data(record))

    # 6. Everyone lists the current versions, except the deliberate gaps and stale desks.
    for place, agency, code in pairs:
        if (agency.pk, procedures[code].pk) in listed or (place, code) in gaps:
            continue
        if code in earlier and place in STALE_AT.get(code, ()):
            continue
        listing.listing_record(
            actor=None,
            agency=agency,
            procedure=procedures[code],
            medium=MEDIUM_AT[place],
            location=LOCATION,
            posted_on=RELISTED_ON if code in earlier else POSTED_ON,
        )
    return DemoProcedures(
        procedures=len(procedures),
        assignments=len(pairs),
        listings=ProcedureListing.objects.filter(agency_id__in=by_agency).count(),
        gaps=len(gaps),
    )
