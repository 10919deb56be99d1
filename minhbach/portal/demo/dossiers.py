"""Demo history of one-stop dossiers: 01/9/2023–30/11/2024 at the 13 commune desks of Bắc Trà My
and the district desk (issue 4 item 8).

Each desk has its own profile (volume, lateness 1–12%, online share growing over the period,
supplement requests, refusals, withdrawals, electronic results), so the rankings built on top
have something to rank. The history is simulated in memory from ``random.Random(seed)`` and
written with bulk inserts; the clock rules are those of ``clock.py`` applied through the pure
helpers of :mod:`minhbach.dossiers.importers` against the real seeded calendar (one calendar
load per agency, so Tết, the 2024 swap and make-up Saturday are respected). Every event is also
appended to the ledger in one :func:`~minhbach.core.ledger.record_many` pass, in chronological
order. Codes follow D12 (``<agency electronic code>-YYMMDD-XXXX``) with ``DossierSequence`` rows
consistent with them: online dossiers get their code at registration, others at acceptance.
A dossier transferred to its office gets the office's handling step (control slip, Mẫu 05) with
the official who handled it, so that officials are ranked on their own work (§10.5 P1, P2).

Loading twice adds nothing: if a desk already has dossiers in the period it is skipped.
Applicants are synthetic (Vietnamese names, well-formed but fake citizen IDs and phones).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F

from minhbach.accounts.models import Membership
from minhbach.core import ledger
from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import load_calendar
from minhbach.dossiers import clock
from minhbach.dossiers.clock import pause_clock, resume_clock, start_clock
from minhbach.dossiers.importers import pending_for
from minhbach.dossiers.models import (
    Applicant,
    Dossier,
    DossierEvent,
    DossierFee,
    DossierResult,
    DossierSequence,
    DossierStep,
    Extension,
    OnlinePayment,
    Status,
    SupplementRequest,
)
from minhbach.portal.demo.procedures import DISTRICT_DESK, demo_data
from minhbach.portal.demo.units import OLD_COMMUNES, DemoUnits
from minhbach.procedures.models import Procedure, TimeUnit
from minhbach.units.models import Agency

START = dt.date(2023, 9, 1)
END = dt.date(2024, 11, 30)
SEED = 20230901
VN = engine.VN_TZ

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hồ",
    "Võ",
    "Đinh",
    "Huỳnh",
    "Bùi",
    "Đặng",
    "Trương",
    "Hà",
    "Zơ Râm",
)
MALE = (
    ("Văn", "Hữu", "Minh", "Công", "Đức", "Thanh"),
    ("Hùng", "Dũng", "Tín", "Phúc", "Sơn", "Bình", "Hải", "Tới", "Lực", "Khánh", "Tài", "Nam"),
)
FEMALE = (
    ("Thị", "Thị Thu", "Thị Kim", "Ngọc", "Thị Mỹ"),
    ("Hoa", "Lan", "Hương", "Thảo", "Nhung", "Trang", "Vân", "Hạnh", "Loan", "Mai", "Yến", "Xuân"),
)
PHONE_PREFIXES = ("090", "091", "093", "094", "097", "098", "035", "036", "038", "086", "088", "077")
FIELD_WEIGHT = {
    "Chứng thực": 6.0,
    "Hộ tịch": 2.5,
    "Đất đai": 3.0,
    "Hoạt động xây dựng": 1.5,
    "Giảm nghèo": 0.8,
}
CODE_WEIGHT = {
    "1.001193": 8.0,
    "1.000894": 3.0,
    "2.000884": 4.0,
    "1.013978": 4.0,
}  # khai sinh, kết hôn, chữ ký, đất
DISTRICT_OFFICE_BY_FIELD = {
    "Hộ tịch": "phong-tu-phap",
    "Chứng thực": "phong-tu-phap",
    "Đất đai": "phong-tai-nguyen-moi-truong",
    "Hoạt động xây dựng": "phong-kinh-te-ha-tang",
}
SUPPLEMENT_ITEMS = (
    "Bản sao Giấy khai sinh",
    "Giấy xác nhận tình trạng hôn nhân",
    "Tờ khai theo mẫu (ký đủ)",
    "Bản chính Giấy chứng nhận quyền sử dụng đất",
    "Văn bản ủy quyền có chứng thực",
    "Sơ đồ thửa đất",
)
REFUSAL_REASONS = ("Không thuộc thẩm quyền giải quyết của đơn vị", "Hồ sơ không đủ điều kiện theo quy định")
APOLOGY_REASONS = ("Cần xác minh thêm thông tin với cơ quan phối hợp", "Cán bộ thụ lý đi công tác đột xuất")


@dataclasses.dataclass(frozen=True)
class Profile:
    """How a desk behaves: the parameters that make units differ in the rankings."""

    per_day: float
    late: float
    online_from: float
    online_to: float
    postal: float
    supplement_before: float
    supplement_after: float
    refuse: float
    withdraw: float
    electronic_result: float


@dataclasses.dataclass(frozen=True)
class Place:
    key: str  # old commune code, or "mot-cua-huyen"
    desk: Agency
    commune_name: str  # where its applicants live; "" for the district desk (any commune)


@dataclasses.dataclass
class DemoDossiers:
    dossiers: int = 0
    events: int = 0
    ledger_entries: int = 0
    skipped_places: int = 0


class _Stop(Exception):
    """The simulated next step falls after the end of the period."""


@dataclasses.dataclass
class _Sim:
    dossier: Dossier
    events: list[DossierEvent]
    supplements: list[SupplementRequest]
    extension: Extension | None = None
    fee: DossierFee | None = None
    result: DossierResult | None = None
    code_at: dt.datetime | None = None  # when the D12 code was allocated
    applicant: Applicant | None = None
    step: DossierStep | None = None  # the handling office's step (control slip, Mẫu 05)
    origin: tuple[Any, ...] = ()  # (procedure, channels, result name, share of the period elapsed)


def profile_for(key: str, rng: random.Random) -> Profile:
    district = key == DISTRICT_DESK
    return Profile(
        per_day=rng.uniform(12, 16)
        if district
        else (rng.uniform(9, 12) if key == "20899" else rng.uniform(3.5, 8)),
        late=rng.uniform(0.01, 0.12),
        online_from=rng.uniform(0.04, 0.2),
        online_to=rng.uniform(0.25, 0.6),
        postal=rng.uniform(0.005, 0.03),
        supplement_before=rng.uniform(0.03, 0.12),
        supplement_after=rng.uniform(0.01, 0.07),
        refuse=rng.uniform(0.005, 0.025),
        withdraw=rng.uniform(0.003, 0.015),
        electronic_result=rng.uniform(0.2, 0.7),
    )


def places_of(units: DemoUnits) -> list[Place]:
    names = {code: name for code, name, _t, _s in OLD_COMMUNES}
    places = [Place(code, desk, names[code]) for code, desk in units.desks.items()]
    places.append(Place(DISTRICT_DESK, units.offices[DISTRICT_DESK], ""))
    return places


def _catalogue() -> dict[str, list[tuple[Procedure, float, dict[int, tuple[Any, str, int]], str]]]:
    """Procedures by level with their weight, channels ``{channel: (value, unit, fee)}`` and result."""
    records = demo_data()["procedures"]
    procedures = {
        p.code: p
        for p in Procedure.objects.filter(code__in=[r["code"] for r in records])
        .select_related("current_version", "field")
        .prefetch_related("current_version__channels__fees", "current_version__results")
    }
    out: dict[str, list] = {"commune": [], "district": []}
    for record in records:
        procedure = procedures.get(record["code"])
        if procedure is None or procedure.current_version is None:
            continue
        version = procedure.current_version
        channels = {}
        for channel in version.channels.all():
            fee = sum(f.amount_vnd or 0 for f in channel.fees.all())
            channels[channel.channel] = (channel.time_limit_value, channel.time_limit_unit, fee)
        weight = CODE_WEIGHT.get(record["code"], FIELD_WEIGHT.get(record["field"], 1.0))
        results = list(version.results.all())
        out[record["handled_by"]].append((procedure, weight, channels, results[0].name if results else ""))
    return out


def _moment(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=VN) + dt.timedelta(minutes=minutes)


def _office_minutes(rng: random.Random) -> int:
    """A time during office hours, mornings busier (07:15–11:00, 13:30–16:45)."""
    if rng.random() < 0.65:
        return rng.randint(7 * 60 + 15, 10 * 60 + 50)
    return rng.randint(13 * 60 + 30, 16 * 60 + 45)


def _next_working(day: dt.date, cal: engine.WorkCalendar, n: int = 1) -> dt.date:
    for _ in range(n):
        day = engine.next_working_day(day, cal)
    return day


def _later(at: dt.datetime, day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment during office hours of ``day`` that is strictly after ``at``."""
    moment = _moment(day, _office_minutes(rng))
    if moment <= at:
        moment = at + dt.timedelta(minutes=rng.randint(10, 90))
    return moment


def _name(rng: random.Random) -> str:
    middles, givens = MALE if rng.random() < 0.5 else FEMALE
    return f"{rng.choice(FAMILY)} {rng.choice(middles)} {rng.choice(givens)}"


def _applicant(rng: random.Random, place: Place) -> Applicant:
    born = rng.randint(1950, 2005)
    century = (0 if born < 2000 else 2) + rng.randint(0, 1)
    citizen_id = f"049{century}{born % 100:02d}{rng.randint(0, 999999):06d}"
    phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randint(0, 9999999):07d}"
    commune = place.commune_name or rng.choice(OLD_COMMUNES)[1]
    return Applicant(
        full_name=_name(rng),
        citizen_id=citizen_id,
        phone=phone,
        address=f"Thôn {rng.randint(1, 8)}, {commune}, huyện Bắc Trà My, tỉnh Quảng Nam",
        vneid_verified=rng.random() < 0.5,
    )


class _Simulator:
    def __init__(
        self,
        rng: random.Random,
        cal: engine.WorkCalendar,
        horizon: dt.datetime,
        staff: dict[int, list[int]] | None = None,
        staff_rng: random.Random | None = None,
    ) -> None:
        self.rng, self.cal, self.horizon = rng, cal, horizon
        # Who handles the office's step: drawn from a stream of its own, so that assigning
        # officers does not change the rest of the simulated history.
        self.staff = staff or {}
        self.staff_rng = staff_rng or random.Random(0)  # noqa: S311 - demo data, not secrets

    def open_step(self, sim: _Sim, at: dt.datetime) -> None:
        """The handling office takes the dossier: one step with the officer who handles it."""
        office = sim.dossier.handling_agency
        officers = self.staff.get(office.pk) if office is not None else None
        if officers:
            sim.step = DossierStep(agency=office, officer_id=self.staff_rng.choice(officers), received_at=at)

    def close_step(self, sim: _Sim, at: dt.datetime) -> None:
        """The office hands the dossier back (result, stop or withdrawal).

        The demo's internal process gives the office the whole time of the dossier: its step is
        due when the dossier is (after any pause for a supplement), and judged as the services
        judge a hand-over (``clock.step_punctuality``, DOMAIN.md §5.6 rule 8).
        """
        step = sim.step
        if step is None or step.handed_over_at is not None:
            return
        step.handed_over_at = at
        step.step_due_at = sim.dossier.effective_due_at
        step.punctuality = clock.step_punctuality(at, step.step_due_at)

    def step(
        self,
        sim: _Sim,
        action: str,
        at: dt.datetime,
        to: int,
        stage: str = "",
        note: str = "",
        **payload: Any,
    ) -> None:
        if at >= self.horizon:
            raise _Stop
        d = sim.dossier
        sim.events.append(
            DossierEvent(
                action=action,
                from_status=d.status if sim.events else None,
                to_status=to,
                at=at,
                note=note,
                agency=d.receiving_agency,
                payload={"stage": stage, **payload},
            )
        )
        d.status, d.stage = to, stage

    def run(
        self, sim: _Sim, profile: Profile, submitted: dt.datetime, result_name: str, share: float
    ) -> None:
        with contextlib.suppress(_Stop):  # the rest of its history lies after the period
            self._run(sim, profile, submitted, result_name, share)
        d = sim.dossier
        if d.status in (Status.FINISHED, Status.RETURNED, Status.STOPPED):
            d.punctuality = clock.judge(d)

    def _run(self, sim: _Sim, p: Profile, submitted: dt.datetime, result_name: str, share: float) -> None:
        rng, cal, d = self.rng, self.cal, sim.dossier
        self.step(sim, "register", submitted, Status.REGISTERED)
        if d.channel == 2:
            sim.code_at = submitted
        local = engine.to_local(submitted)
        if d.channel == 1 and engine.is_working_day(local.date(), cal):
            check = submitted + dt.timedelta(minutes=rng.randint(3, 25))
        else:
            check = _later(submitted, _next_working(local.date(), cal, rng.choice((1, 1, 1, 2))), rng)
        if rng.random() < p.refuse:
            reason = rng.choice(REFUSAL_REASONS)
            self.step(sim, "refuse", check, Status.REFUSED, note=reason)
            d.ended_at = check
            return
        if rng.random() < p.supplement_before:
            items = [{"name": rng.choice(SUPPLEMENT_ITEMS), "reason": "Thiếu hoặc chưa hợp lệ"}]
            request = SupplementRequest(
                stage=Dossier.Stage.BEFORE_ACCEPTANCE,
                requested_at=check,
                items=items,
                reason="Hồ sơ chưa đầy đủ theo quy định",
            )
            sim.supplements.append(request)
            d.supplements_before += 1
            self.step(
                sim,
                "request_supplement_before",
                check,
                Status.SUPPLEMENT_REQUESTED,
                Dossier.Stage.BEFORE_ACCEPTANCE,
                request.reason,
                items=items,
            )
            back = _later(check, _next_working(engine.to_local(check).date(), cal, rng.randint(1, 6)), rng)
            if rng.random() < 0.08:
                self.step(
                    sim, "withdraw", back, Status.WITHDRAWN, note="Công dân không bổ sung, xin rút hồ sơ"
                )
                d.ended_at = back
                return
            request.completed_at = back
            check = back
        self._accept(sim, check)
        transfer = check + dt.timedelta(minutes=rng.randint(10, 120))
        office = d.handling_agency
        self.step(sim, "transfer", transfer, Status.IN_PROGRESS, agency=office.pk if office else None)
        self.open_step(sim, transfer)
        last = transfer
        if d.effective_due_at is None:  # no time limit in the catalogue (chứng thực): same or next day
            done_day = (
                engine.to_local(transfer).date()
                if rng.random() < 0.8
                else _next_working(engine.to_local(transfer).date(), cal)
            )
            self._finish(sim, _later(last, done_day, rng), p, result_name, share)
            return
        withdraw_planned = rng.random() < p.withdraw
        requests = 0
        if rng.random() < p.supplement_after:
            requests = 2 if rng.random() < 0.1 else 1
        late = rng.random() < p.late
        for _ in range(requests):
            due_day = clock.due_date_of(d.effective_due_at)
            today = engine.to_local(last).date()
            span = max(engine.count_working_days(today, due_day, cal), 0)
            ask_day = _next_working(today, cal, rng.randint(0, max(span - 1, 0))) if span > 1 else today
            asked = _later(last, ask_day, rng)
            pause_clock(d, asked, cal)
            d.supplements_after += 1
            items = [{"name": rng.choice(SUPPLEMENT_ITEMS), "reason": "Cần bổ sung để thẩm định"}]
            sim.supplements.append(
                SupplementRequest(
                    stage=Dossier.Stage.AFTER_ACCEPTANCE,
                    requested_at=asked,
                    items=items,
                    reason="Bổ sung hồ sơ để thẩm định",
                )
            )
            self.step(
                sim,
                "request_supplement_after",
                asked,
                Status.SUPPLEMENT_REQUESTED,
                Dossier.Stage.AFTER_ACCEPTANCE,
                "Bổ sung hồ sơ để thẩm định",
                items=items,
                remaining=d.remaining_value,
            )
            if withdraw_planned and rng.random() < 0.5:
                gone = _later(
                    asked, _next_working(engine.to_local(asked).date(), cal, rng.randint(2, 10)), rng
                )
                self.step(sim, "withdraw", gone, Status.WITHDRAWN, note="Công dân xin rút hồ sơ")
                d.ended_at, d.paused_at = gone, None
                self.close_step(sim, gone)
                return
            back = _later(asked, engine.to_local(asked).date() + dt.timedelta(days=rng.randint(1, 9)), rng)
            back_day = engine.to_local(back).date()
            if not engine.is_working_day(back_day, cal):
                back = _later(asked, _next_working(back_day, cal), rng)
            resume_clock(d, back, cal)
            sim.supplements[-1].completed_at = back
            self.step(sim, "complete_supplement", back, Status.IN_PROGRESS, due_at=d.effective_due_at)
            last = back
        due_day = clock.due_date_of(d.effective_due_at)
        today = engine.to_local(last).date()
        if withdraw_planned:
            gone = _later(last, _next_working(today, cal, rng.randint(0, 3)), rng)
            self.step(sim, "withdraw", gone, Status.WITHDRAWN, note="Công dân xin rút hồ sơ")
            d.ended_at = gone
            self.close_step(sim, gone)
            return
        if late:
            done_day = _next_working(max(due_day, today), cal, rng.choice((1, 1, 1, 2, 2, 3, 5)))
        else:
            span = max(engine.count_working_days(today, due_day, cal), 0)
            ahead = min(span, int(rng.triangular(0, span + 1, 0))) if span else 0
            done_day = _next_working(today, cal, ahead) if ahead else today
            if done_day > due_day:
                done_day = due_day if due_day >= today else today
        if late and rng.random() < 0.45 and due_day > today:
            apology_day = due_day if rng.random() < 0.25 else max(today, _back_working(due_day, cal))
            issued = _later(last, apology_day, rng)
            new_due = engine.end_of_day(_next_working(done_day, cal, rng.randint(0, 2)))
            apology_late = engine.count_working_days(engine.to_local(issued).date(), due_day, cal) < 1
            reason = rng.choice(APOLOGY_REASONS)
            if issued >= self.horizon:
                raise _Stop
            sim.extension = Extension(
                issued_at=issued, reason=reason, new_due_at=new_due, apology_late=apology_late
            )
            d.extended_due_at = new_due
            self.step(
                sim,
                "extension_issued",
                issued,
                Status.IN_PROGRESS,
                note=reason,
                new_due_at=new_due,
                apology_late=apology_late,
            )
            last = issued
        finished = _later(last, max(done_day, engine.to_local(last).date()), rng)
        if rng.random() < 0.01:
            self.step(sim, "stop", finished, Status.STOPPED, note="Hồ sơ không đủ điều kiện giải quyết")
            d.ended_at = finished
            self.close_step(sim, finished)
            return
        self._finish(sim, finished, p, result_name, share)

    def _accept(self, sim: _Sim, at: dt.datetime) -> None:
        d = sim.dossier
        start_clock(d, at, self.cal)
        if sim.code_at is None:
            sim.code_at = at
        self.step(
            sim,
            "accept",
            at,
            Status.ACCEPTED,
            due_at=d.effective_due_at,
            time_limit=[d.time_limit_value, d.time_limit_unit],
        )

    def _finish(self, sim: _Sim, at: dt.datetime, p: Profile, result_name: str, share: float) -> None:
        rng, d = self.rng, sim.dossier
        self.step(sim, "finish", at, Status.FINISHED)
        d.finished_at = d.ended_at = at
        self.close_step(sim, at)
        electronic = rng.random() < (0.95 if d.channel == 2 else p.electronic_result * (0.5 + share))
        sim.result = DossierResult(
            name=result_name[:500],
            code=f"KQ-{rng.randint(0, 99999999):08d}",
            file_url=f"/media/ket-qua/{engine.to_local(at):%Y/%m}/{rng.getrandbits(48):012x}.pdf"
            if electronic
            else "",
            issued_at=at,
        )
        if rng.random() < 0.03:
            return  # never collected: stays at status 9
        day = engine.to_local(at).date()
        if d.channel == 2 and electronic:
            returned = at + dt.timedelta(minutes=rng.randint(5, 60))
        else:
            returned = _later(
                at,
                _next_working(day, self.cal, rng.choice((0, 0, 1, 1, 2, 3))) if rng.random() < 0.7 else day,
                rng,
            )
        self.step(sim, "return_result", returned, Status.RETURNED)
        d.returned_at = returned


def _handlers(units: DemoUnits | None) -> dict[int, list[int]]:
    """Officials who handle dossiers, per agency: its staff who are not its leaders (else all)."""
    if units is None:
        return {}
    by_agency: dict[int, list[tuple[bool, int]]] = defaultdict(list)
    for agency_id, official_id, leader in (
        Membership.objects.filter(valid_to__isnull=True)
        .order_by("agency_id", "official_id")
        .values_list("agency_id", "official_id", "is_leader")
    ):
        by_agency[agency_id].append((leader, official_id))
    return {
        agency_id: [o for leader, o in rows if not leader] or [o for _leader, o in rows]
        for agency_id, rows in by_agency.items()
    }


def _back_working(day: dt.date, cal: engine.WorkCalendar) -> dt.date:
    day -= engine.ONE_DAY
    while not engine.is_working_day(day, cal):
        day -= engine.ONE_DAY
    return day


def _pick(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def simulate(
    places: list[Place],
    units: DemoUnits | None,
    *,
    seed: int = SEED,
    start: dt.date = START,
    end: dt.date = END,
    scale: float = 1.0,
) -> list[_Sim]:
    """The whole history in memory, reproducible from ``seed`` (nothing written)."""
    catalogue = _catalogue()
    horizon = engine.end_of_day(end)
    staff = _handlers(units)
    sims: list[_Sim] = []
    for place in places:
        rng = random.Random(f"{seed}:{place.key}")  # noqa: S311 - reproducible demo data, not secrets
        profile = profile_for(place.key, rng)
        cal = load_calendar(start - dt.timedelta(days=10), end + dt.timedelta(days=240), agency=place.desk)
        level = "district" if place.key == DISTRICT_DESK else "commune"
        entries = catalogue[level]
        weights = [w for _p, w, _c, _r in entries]
        if units is None:
            offices: dict[str, Agency] = {}
            commune_office = None
        else:
            offices = units.offices
            commune_office = units.communes.get(place.key)
        staff_rng = random.Random(f"{seed}:{place.key}:staff")  # noqa: S311 - reproducible demo data
        simulator = _Simulator(rng, cal, horizon, staff, staff_rng)
        total_days = max((end - start).days, 1)
        day = start
        place_sims: list[_Sim] = []
        while day <= end:
            share = (day - start).days / total_days
            working = engine.is_working_day(day, cal)
            rate = profile.per_day * scale * (1.25 if day.weekday() == 0 else 1.0)
            online_share = profile.online_from + (profile.online_to - profile.online_from) * share
            # Expected count, drawn so that fractional rates (small --dossier-scale) still yield dossiers.
            expected = max(rng.gauss(rate, rate * 0.35), 0.0) if working else rate * online_share * 0.3
            count = int(expected) + (rng.random() < expected % 1)
            for _ in range(count):
                procedure, _w, channels, result_name = _pick(rng, entries, weights)
                if not working:
                    channel = 2
                else:
                    roll = rng.random()
                    channel = 2 if roll < online_share else (3 if roll < online_share + profile.postal else 1)
                if channel not in channels:
                    channel = 1 if 1 in channels else next(iter(channels))
                if channel == 2 or not working:
                    minutes = rng.randint(6 * 60, 23 * 60)
                else:
                    minutes = _office_minutes(rng)
                submitted = _moment(day, minutes)
                field = procedure.field.name if procedure.field_id else ""
                handling = (
                    commune_office
                    if level == "commune"
                    else offices.get(
                        DISTRICT_OFFICE_BY_FIELD.get(
                            field,
                            "phong-tai-chinh-ke-hoach" if "kinh doanh" in field else "van-phong-hdnd-ubnd",
                        )
                    )
                )
                sim = _Sim(
                    _dossier(procedure, channel, channels, place.desk, handling, submitted),
                    [],
                    [],
                    applicant=_applicant(rng, place),
                )
                simulator.run(sim, profile, submitted, result_name, share)
                _pay(sim, channels[channel][2], share, rng)
                sim.origin = (procedure, channels, result_name, share)
                place_sims.append(sim)
            day += engine.ONE_DAY
        # Some who withdrew come back with the same procedure: a stream of its own, so that the
        # history above stays what the seed made it.
        again = _Simulator(
            random.Random(f"{seed}:{place.key}:again"),  # noqa: S311 - reproducible demo data
            cal,
            horizon,
            staff,
            staff_rng,
        )
        sims += place_sims + _resubmissions(again, place_sims, profile, place, end)
    return sims


RESUBMIT_SHARE = 0.4  # of withdrawals after acceptance, the applicant files again within days


def _resubmissions(
    simulator: _Simulator, sims: list[_Sim], profile: Profile, place: Place, end: dt.date
) -> list[_Sim]:
    """Withdraw-and-resubmit: the same person files the same procedure again 2–20 days later.

    Some of these withdrawals hide a dossier about to be late (§5.11); the indicators flag them
    (integrity flag ``resubmit``) and one-go rule 3 counts the earlier withdrawal (§5.7).
    """
    rng, out = simulator.rng, []
    for sim in sims:
        d = sim.dossier
        if d.status != Status.WITHDRAWN or d.accepted_at is None or rng.random() >= RESUBMIT_SHARE:
            continue
        procedure, channels, result_name, share = sim.origin
        back = engine.to_local(d.ended_at).date() + dt.timedelta(days=rng.randint(1, 19))
        day = _next_working(back, simulator.cal)
        if day > end or 1 not in channels:
            continue
        submitted = _moment(day, _office_minutes(rng))
        person = sim.applicant
        again = _Sim(
            _dossier(procedure, 1, channels, d.receiving_agency, d.handling_agency, submitted),
            [],
            [],
            applicant=Applicant(
                full_name=person.full_name,
                citizen_id=person.citizen_id,
                phone=person.phone,
                address=person.address,
                vneid_verified=person.vneid_verified,
            ),
        )
        simulator.run(again, profile, submitted, result_name, share)
        _pay(again, channels[1][2], share, rng)
        out.append(again)
    return out


def _entered_late(sims: list[_Sim], seed: int) -> list[Dossier]:
    """A few desks type some counter receipts in after the fact (integrity flag ``backdated``, §5.11).

    The record is created hours or days after the receipt time it claims. Drawn from a stream of
    its own; most desks never do it.
    """
    rng = random.Random(f"{seed}:entered-late")  # noqa: S311 - reproducible demo data
    habit = {}
    late = []
    for sim in sims:
        d = sim.dossier
        if d.channel != 1 or d.accepted_at is None:
            continue
        if d.receiving_agency_id not in habit:
            habit[d.receiving_agency_id] = rng.choice((0, 0, 0, 0, 0.003, 0.01, 0.03))
        share = habit[d.receiving_agency_id]
        if share and rng.random() < share:
            d.created_at = d.accepted_at + dt.timedelta(minutes=rng.randint(150, 3 * 24 * 60))
            late.append(d)
    return late


def _dossier(
    procedure: Procedure,
    channel: int,
    channels: dict[int, tuple[Any, str, int]],
    desk: Agency,
    handling: Agency | None,
    submitted: dt.datetime,
) -> Dossier:
    value, unit, _fee = channels[channel]
    return Dossier(
        source=Dossier.Source.NATIVE,
        procedure_version=procedure.current_version,
        channel=channel,
        receiving_agency=desk,
        handling_agency=handling,
        subject=procedure.name[:500],
        submitted_at=submitted,
        status=Status.REGISTERED,
        time_limit_value=value if unit != TimeUnit.UNSPECIFIED else None,
        time_limit_unit=unit,
    )


def _pay(sim: _Sim, fee: int, share: float, rng: random.Random) -> None:
    """The fee of an accepted dossier, paid online more often as the period goes on (§5.9)."""
    d = sim.dossier
    if not fee or d.accepted_at is None or d.status == Status.REFUSED:
        return
    if d.channel == 2:
        online = _pick(rng, [1, 2, 0], [0.55, 0.3, 0.15])
    else:
        online = OnlinePayment.LOCAL_GATEWAY if rng.random() < 0.05 + 0.35 * share else 0
    sim.fee = DossierFee(name="Phí, lệ phí", amount_vnd=fee, paid_at=d.accepted_at, online_channel=online)


def _allocate_codes(sims: list[_Sim], issued: dict[tuple[int, dt.date], int]) -> list[DossierSequence]:
    """Number the codes of each agency and day in allocation order, after what ``issued`` holds."""
    by_day: dict[tuple[int, dt.date], list[_Sim]] = defaultdict(list)
    for sim in sims:
        if sim.code_at is not None:
            by_day[(sim.dossier.receiving_agency.pk, clock.local_date(sim.code_at))].append(sim)
    sequences = []
    for (agency_id, day), group in by_day.items():
        group.sort(key=lambda s: s.code_at)
        prefix = f"{group[0].dossier.receiving_agency.electronic_code}-{day:%y%m%d}-"
        first = issued.get((agency_id, day), 0)
        for n, sim in enumerate(group, start=first + 1):
            sim.dossier.code = f"{prefix}{n:04d}"
        sequences.append(DossierSequence(agency_id=agency_id, day=day, last=first + len(group)))
    return sequences


def demo_exists(places: list[Place], start: dt.date = START, end: dt.date = END) -> set[str]:
    """Keys of the places that already have dossiers submitted in the period."""
    lo, hi = engine.end_of_day(start - engine.ONE_DAY), engine.end_of_day(end)
    agencies = set(
        Dossier.objects.filter(
            receiving_agency__in=[p.desk for p in places], submitted_at__gte=lo, submitted_at__lt=hi
        ).values_list("receiving_agency_id", flat=True)
    )
    return {p.key for p in places if p.desk.pk in agencies}


BATCH = 2000


@transaction.atomic
def load_dossiers(
    units: DemoUnits | None = None,
    *,
    places: list[Place] | None = None,
    seed: int = SEED,
    start: dt.date = START,
    end: dt.date = END,
    scale: float = 1.0,
) -> DemoDossiers:
    """Simulate and write the history (bulk inserts) and its ledger entries; skip existing desks."""
    places = places if places is not None else places_of(units)
    done = demo_exists(places, start, end)
    todo = [p for p in places if p.key not in done]
    summary = DemoDossiers(skipped_places=len(done))
    if not todo:
        return summary
    sims = simulate(todo, units, seed=seed, start=start, end=end, scale=scale)
    issued = {
        (a, d): last
        for a, d, last in DossierSequence.objects.filter(agency_id__in=[p.desk.pk for p in todo]).values_list(
            "agency_id", "day", "last"
        )
    }
    sequences = _allocate_codes(sims, issued)
    Applicant.objects.bulk_create([s.applicant for s in sims], batch_size=BATCH)
    for sim in sims:
        sim.dossier.owner = sim.applicant
    dossiers = [s.dossier for s in sims]
    Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
    pks = [d.pk for d in dossiers]
    for i in range(0, len(pks), 5000):  # bulk_create stamps "now"; the record was made at submission
        Dossier.objects.filter(pk__in=pks[i : i + 5000]).update(created_at=F("submitted_at"))
    Dossier.objects.bulk_update(_entered_late(sims, seed), ["created_at"], batch_size=BATCH)
    events, requests, extensions, fees, results = [], [], [], [], []
    for sim in sims:
        for event in sim.events:
            event.dossier = sim.dossier
        events += sim.events
        for request in sim.supplements:
            request.dossier = sim.dossier
        requests += sim.supplements
        for extra, bucket in ((sim.extension, extensions), (sim.fee, fees), (sim.result, results)):
            if extra is not None:
                extra.dossier = sim.dossier
                bucket.append(extra)
    DossierEvent.objects.bulk_create(events, batch_size=BATCH)
    SupplementRequest.objects.bulk_create(requests, batch_size=BATCH)
    Extension.objects.bulk_create(extensions, batch_size=BATCH)
    DossierFee.objects.bulk_create(fees, batch_size=BATCH)
    DossierResult.objects.bulk_create(results, batch_size=BATCH)
    steps = [s.step for s in sims if s.step is not None]
    for sim in sims:
        if sim.step is not None:
            sim.step.dossier = sim.dossier
    DossierStep.objects.bulk_create(steps, batch_size=BATCH)
    for row in [s for s in sequences if (s.agency_id, s.day) in issued]:  # a desk used before the demo
        DossierSequence.objects.filter(agency_id=row.agency_id, day=row.day).update(last=row.last)
    DossierSequence.objects.bulk_create(
        [s for s in sequences if (s.agency_id, s.day) not in issued], batch_size=BATCH
    )
    events.sort(key=lambda e: (e.at, e.pk))
    pending = [pending_for(e, e.dossier, occurred_at=e.at) for e in events]
    entries = ledger.record_many(pending, batch_size=BATCH)
    return DemoDossiers(
        dossiers=len(dossiers), events=len(events), ledger_entries=entries, skipped_places=len(done)
    )


__all__ = ["END", "SEED", "START", "DemoDossiers", "Place", "load_dossiers", "places_of", "simulate"]
