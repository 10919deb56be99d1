"""Demo emulation movement of Bắc Trà My, 01/9/2023–30/11/2024 (DOMAIN.md §10), end to end.

Everything goes through the services, so every step is in the ledger: the criteria file, the
movement, two groups (G1 the district's offices and Văn phòng, G2 the 13 commune-level People's
Committees), approved registrations with two officials each, annual ratings (one 2024 rating
missing, so that person is "pending rating", D6), recognised initiatives, one discipline decision
(its commune is excluded by gate K6), the sơ kết and the tổng kết with a right of reply (one
objection accepted with a correction, one rejected), the council session with a recorded draw,
votes (one absent member in writing), the decision and its recipients.

The tie decided by D9 is not staged. Officials of the offices that handle dossiers are scored on
their own handling steps (P1, on time; P2, satisfaction of the dossiers they handled); officials
of offices without dossiers (Nội vụ, Y tế, …) have P1 and P2 N/A and take their unit's score
(§10.5), and offices without dossiers of their own share the same criteria values. Those equal
scores are decided by the women priority, the on-time rate or the recorded draw, as published in
the standings.

Data thin (the test scale) or missing leave the run valid: every step checks what it needs and
the summary says what was done. Loading twice changes nothing (the movement's name is the key).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from minhbach.accounts.models import Membership, Official, User
from minhbach.emulation import awards, criteria, reply, services
from minhbach.emulation import evaluation as scoring
from minhbach.emulation.models import (
    AwardForm,
    AwardRecipient,
    DisciplineCase,
    Movement,
    Objection,
    Proposal,
    Review,
    Standing,
    Subject,
)
from minhbach.portal.demo.units import DemoUnits
from minhbach.units.models import Agency

NAME = (
    "Phong trào thi đua “Xây dựng môi trường hành chính trong sạch, lành mạnh, công khai, minh bạch” "
    "huyện Bắc Trà My giai đoạn 2023–2024"
)
START, END = dt.date(2023, 9, 1), dt.date(2024, 11, 30)
MIDTERM_END = dt.date(2024, 2, 29)
SEED_MIDTERM = "Sơ kết 15/3/2024"
SEED_FINAL = "Phiên họp Hội đồng TĐKT huyện 12/12/2024"
SESSION_DAY = dt.date(2024, 12, 12)
DECISION_DAY = dt.date(2024, 12, 20)
TZ_HOUR = 9
RNG_SEED = 20241212
# Heads of these offices sit on the council beside the chair and the two vice-chairs (§10.11).
COUNCIL_OFFICES = (
    "van-phong-hdnd-ubnd",
    "phong-tai-chinh-ke-hoach",
    "phong-tu-phap",
    "phong-van-hoa-thong-tin",
    "phong-lao-dong-tbxh",
    "thanh-tra-huyen",
)


@dataclasses.dataclass
class DemoEmulation:
    created: bool = False
    registrations: int = 0
    officials: int = 0
    evaluations: int = 0
    objections: int = 0
    proposals: int = 0
    recipients: int = 0
    amount_vnd: int = 0
    excluded: list[str] = dataclasses.field(default_factory=list)
    ties: list[str] = dataclasses.field(default_factory=list)


def _at(day: dt.date, hour: int = TZ_HOUR) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("official").first()


def _staff(agency: Agency) -> list[Membership]:
    return list(
        Membership.objects.filter(agency=agency, valid_from__lte=END)
        .select_related("official")
        .order_by("official__pk")
    )


def _summary(movement: Movement, summary: DemoEmulation) -> DemoEmulation:
    final = movement.reviews.filter(kind=Review.Kind.FINAL).first()
    summary.registrations = movement.registrations.count()
    summary.evaluations = sum(r.evaluations.count() for r in movement.reviews.all())
    summary.objections = Objection.objects.filter(window__review__movement=movement).count()
    summary.proposals = Proposal.objects.filter(round__movement=movement).count()
    recipients = AwardRecipient.objects.filter(decision__round__movement=movement)
    summary.recipients = recipients.count()
    summary.amount_vnd = sum(recipients.values_list("amount_vnd", flat=True))
    latest = final.evaluations.order_by("-version").first() if final else None
    if latest is not None:
        rows = latest.standings.select_related("agency", "official")
        summary.excluded = [
            f"{s.agency.name}: {', '.join(s.blocked_by)}"
            for s in rows
            if s.subject == Subject.COLLECTIVE and s.blocked_by
        ]
        summary.ties = [
            f"{(s.official or s.agency).__str__()} ({s.tie_break})"
            for s in rows
            if s.proposed and s.tie_break not in ("", "score")
        ]
    return summary


def load_emulation(units: DemoUnits) -> DemoEmulation:
    """Load the demo movement once; a second run only reports what is there."""
    existing = Movement.objects.filter(name=NAME).first()
    if existing is not None:
        return _summary(existing, DemoEmulation())
    with transaction.atomic():
        movement = _load(units)
    return _summary(movement, DemoEmulation(created=True))


def _load(units: DemoUnits) -> Movement:
    rng = random.Random(RNG_SEED)  # noqa: S311 - deterministic demo data, not security
    secretariat = _user("noivu")
    leader = _user("lanhdao.trason")
    council_login = _user("hoidong")

    cset, _outcome = services.criteria_set_load(
        actor=secretariat,
        content=criteria.read_file(criteria.CRITERIA_DIR / "bac-tra-my-2023-2024.json"),
        source_path="minhbach/emulation/criteria/bac-tra-my-2023-2024.json",
    )
    committee = units.district_committee
    movement = services.movement_create(
        actor=secretariat,
        name=NAME,
        launching_agency=committee,
        criteria_set=cset,
        period_start=START,
        period_end=END,
        kind=Movement.Kind.THEMATIC,
    )
    midterm = services.review_create(
        actor=secretariat, movement=movement, kind=Review.Kind.MIDTERM, data_from=START, data_to=MIDTERM_END
    )
    final = services.review_create(actor=secretariat, movement=movement, kind=Review.Kind.FINAL)

    offices = [a for a in units.offices.values() if a.kind == Agency.Kind.OFFICE]
    communes = list(units.communes.values())
    van_phong = units.offices["van-phong-hdnd-ubnd"]
    services.group_create(
        actor=secretariat,
        movement=movement,
        code="G1",
        name="Khối các cơ quan chuyên môn và Văn phòng HĐND và UBND huyện",
        members=offices,
        head_unit=van_phong,
        deputy_unit=units.offices["phong-noi-vu"],
    )
    services.group_create(
        actor=secretariat,
        movement=movement,
        code="G2",
        name="Khối UBND các xã, thị trấn",
        members=communes,
        head_unit=units.communes["20899"],
        deputy_unit=units.communes["20900"],
    )

    # Registrations: each unit registers two of its staff (not its head), then is approved.
    registered: dict[int, list[Official]] = {}
    for agency in [*offices, *communes]:
        staff = [m.official for m in _staff(agency) if not m.is_leader][:2] or [
            m.official for m in _staff(agency)
        ][:2]
        registered[agency.pk] = staff
        reg = services.registration_create(
            actor=secretariat,
            movement=movement,
            agency=agency,
            pledges="Hoàn thành 100% chỉ tiêu cải cách hành chính năm 2023–2024; không có hồ sơ trễ hạn.",
            targets={"C4": 100, "K1": "< 5%", "K4": ">= 90%"},
            officials=staff,
        )
        services.registration_submit(actor=secretariat, registration=reg)
        services.registration_approve(actor=secretariat, registration=reg)

    # Annual ratings (NĐ 90/2020, NĐ 48/2023): 2023 decided in December 2023, 2024 in December 2024.
    people = [o for staff in registered.values() for o in staff]
    pending = people[-1] if people else None  # the 2024 rating not yet entered: pending (D6)
    weak = people[len(people) // 2] if len(people) > 2 else None  # HTNV in 2023: fails I1
    for official in people:
        for year, decided in ((2023, dt.date(2023, 12, 20)), (2024, dt.date(2024, 12, 5))):
            if official == pending and year == 2024:
                continue
            level = "HTXSNV" if rng.random() < 0.25 else "HTTNV"
            if official == weak and year == 2023:
                level = "HTNV"
            services.annual_rating_record(
                actor=secretariat,
                official=official,
                year=year,
                level=level,
                decided_on=decided,
                decided_by="Chủ tịch UBND huyện Bắc Trà My",
                basis=f"Quyết định xếp loại chất lượng cán bộ, công chức năm {year}",
            )

    # Initiatives with recognition decisions (K7, P3).
    initiatives = [
        ("Mô hình “Bộ phận Một cửa lưu động” đến thôn vùng cao", "20900", "model", dt.date(2024, 6, 14)),
        (
            "Số hóa hồ sơ hộ tịch lưu trữ giai đoạn 2010–2023",
            "phong-tu-phap",
            "solution",
            dt.date(2024, 3, 22),
        ),
        ("Mã QR tra cứu thủ tục hành chính tại nhà văn hóa thôn", "20899", "initiative", dt.date(2024, 9, 6)),
    ]
    for i, (title, key, kind, day) in enumerate(initiatives, start=1):
        agency = units.communes.get(key) or units.offices[key]
        authors = registered.get(agency.pk, [])[:1]
        services.initiative_create(
            actor=secretariat,
            title=title,
            agency=agency,
            kind=kind,
            authors=authors,
            recognition_number=f"{40 + i}/QĐ-HĐSK",
            recognition_date=day,
            recognition_issuer="Hội đồng sáng kiến huyện Bắc Trà My",
            recognition_level="district",
            effect="Rút ngắn thời gian đi lại của người dân; được nhân rộng trong huyện.",
        )

    # One discipline decision (NĐ 112/2020): its commune fails K6 and is excluded.
    tra_ka = units.communes["20932"]
    staff_ka = [m.official for m in _staff(tra_ka) if m.official not in registered.get(tra_ka.pk, [])]
    if staff_ka:
        services.discipline_case_record(
            actor=secretariat,
            official=staff_ka[0],
            agency=tra_ka,
            status=DisciplineCase.Status.DECIDED,
            form=DisciplineCase.Form.REPRIMAND,
            decision_number="12/QĐ-UBND",
            decided_on=dt.date(2024, 5, 10),
            effective_to=dt.date(2025, 5, 9),
        )

    # Sơ kết: provisional board, right of reply, published; no awards.
    scoring.review_evaluate(actor=secretariat, review=midterm, seed=SEED_MIDTERM, as_of=dt.date(2024, 3, 15))
    window = reply.reply_window_open(actor=secretariat, review=midterm, at=_at(dt.date(2024, 3, 18)))
    reply.reply_window_close(actor=secretariat, window=window, at=_at(dt.date(2024, 3, 26), 17))
    reply.review_publish(actor=secretariat, review=midterm, at=_at(dt.date(2024, 3, 27)))

    # Tổng kết: evaluation, right of reply with one accepted and one rejected objection.
    first = scoring.review_evaluate(
        actor=secretariat, review=final, seed=SEED_FINAL, as_of=dt.date(2024, 12, 10)
    )
    window = reply.reply_window_open(actor=secretariat, review=final, at=_at(dt.date(2024, 12, 2)))
    tra_son = units.communes["20900"]
    if first.standings.filter(agency=tra_son).exists():
        accepted = reply.objection_file(
            actor=leader,
            review=final,
            agency=tra_son,
            criterion_code="C2",
            text=(
                "Xã đã niêm yết đầy đủ mã QR của các thủ tục tại Bộ phận Một cửa từ tháng 01/2024 (có ảnh "
                "chụp kèm theo); Trang thông tin điện tử chậm đồng bộ danh mục."
            ),
            at=_at(dt.date(2024, 12, 3)),
        )
        reply.objection_decide(
            actor=secretariat,
            objection=accepted,
            accept=True,
            value="100",
            reason="Đã kiểm tra thực tế ngày 05/12/2024: niêm yết đủ 100% thủ tục; chấp nhận điều chỉnh C2.",
        )
        rejected = reply.objection_file(
            actor=leader,
            review=final,
            agency=tra_son,
            criterion_code="K4",
            text="Đề nghị không tính các phiếu đánh giá không hài lòng do người dân chọn nhầm.",
            at=_at(dt.date(2024, 12, 4)),
        )
        reply.objection_decide(
            actor=secretariat,
            objection=rejected,
            accept=False,
            reason="Đánh giá của người dân được ghi nhận nguyên trạng (D3); không có căn cứ loại bỏ.",
        )
    reply.reply_window_close(actor=secretariat, window=window, at=_at(dt.date(2024, 12, 9), 17))
    reply.review_publish(actor=secretariat, review=final, at=_at(dt.date(2024, 12, 11)))

    # Award round, council session with the recorded draw, votes, decision.
    giay_khen = AwardForm.objects.get(code="giay_khen")
    rnd = awards.round_open(
        actor=secretariat,
        review=final,
        award_form=giay_khen,
        issuing_role="Chủ tịch UBND huyện Bắc Trà My",
        legal_basis=(
            "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của "
            "Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng"
        ),
        opened_on=dt.date(2024, 12, 11),
    )
    council = awards.council_create(
        actor=secretariat,
        agency=committee,
        name="Hội đồng Thi đua – Khen thưởng huyện Bắc Trà My",
        established_by="Quyết định thành lập Hội đồng (số hiệu minh họa)",
        members=_council_members(units, secretariat, council_login),
        valid_from=dt.date(2023, 1, 1),
    )
    if not rnd.proposals.exists():
        return movement
    awards.proposals_submit(actor=secretariat, round=rnd)
    members = list(council.members.select_related("official").order_by("pk"))
    absent = members[-1] if len(members) > 3 else None
    session = awards.session_open(
        actor=secretariat,
        council=council,
        round=rnd,
        held_on=SESSION_DAY,
        present=[m for m in members if m != absent],
        place="Hội trường UBND huyện Bắc Trà My",
        witnesses="Đại diện Thanh tra huyện; đại diện Ủy ban MTTQ Việt Nam huyện",
    )
    proposals = list(rnd.proposals.filter(status=Proposal.Status.SUBMITTED).order_by("pk"))
    for member in members:
        actor = (
            council_login
            if council_login and member.official_id == council_login.official.pk
            else secretariat
        )
        for i, proposal in enumerate(proposals):
            choice = "disagree" if member == absent and i == 0 else "agree"
            awards.vote_cast(actor=actor, session=session, member=member, proposal=proposal, choice=choice)
    awards.session_close(actor=secretariat, session=session)
    chair = members[0].official.full_name if members else "Chủ tịch UBND huyện"
    if rnd.proposals.filter(status=Proposal.Status.PASSED).exists():
        awards.decision_issue(
            actor=secretariat,
            round=rnd,
            number="2150/QĐ-UBND",
            date=DECISION_DAY,
            signer_name=chair,
            signer_title="CHỦ TỊCH",
        )
    return movement


def _council_members(units: DemoUnits, secretariat, council_login) -> list[tuple[Official, str, str]]:
    """Chủ tịch UBND huyện chairs; the head of Phòng Nội vụ is the standing vice-chair (§10.11)."""
    chosen: list[tuple[Official, str, str]] = []
    heads = defaultdict(list)
    for m in Membership.objects.filter(
        agency__in=[units.district_committee, *units.offices.values()], is_leader=True
    ).select_related("official", "agency"):
        heads[m.agency_id].append(m)
    for m in heads[units.district_committee.pk]:
        if m.position == "Chủ tịch UBND":
            chosen.append((m.official, "chair", "Chủ tịch UBND huyện"))
    if council_login is not None:
        chosen.append((council_login.official, "vice_chair", "Phó Chủ tịch UBND huyện"))
    if secretariat is not None:
        chosen.append((secretariat.official, "standing", "Trưởng phòng Nội vụ"))
    taken = {o.pk for o, _r, _t in chosen}
    for slug in COUNCIL_OFFICES:
        agency = units.offices[slug]
        for m in heads[agency.pk]:
            if m.position == "Trưởng phòng" and m.official_id not in taken:
                chosen.append((m.official, "member", f"Trưởng phòng ({agency.name})"))
                taken.add(m.official_id)
                break
    return chosen


def standings_of(movement: Movement) -> list[Standing]:
    final = movement.reviews.get(kind=Review.Kind.FINAL)
    latest = final.evaluations.order_by("-version").first()
    return list(latest.standings.select_related("agency", "official")) if latest else []
