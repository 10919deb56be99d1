"""Award round, council, votes, decision, reward amounts and revocation (DOMAIN.md §10.10–10.14).

Every write is keyword-only, atomic and ledgered; a refused write raises ``EmulationError`` with a
Vietnamese message and writes nothing.

- Proposals come from the *published* final review's latest version (§10.9 step 4): the standings
  it proposed, in rank order; the tie-break used is copied for publication (D9).
- The council advises (Luật TĐKT 2022; NĐ 98/2023/NĐ-CP Điều 30): quorum ≥ 2/3 by default
  (Điều 47), absent members vote in writing, an abstention is not an agreement, and each award
  form carries its own rule (D8: Giấy khen > 50% of all members, CSTĐCS ≥ 80%).
- The Chủ tịch decides; the amount is coefficient × base salary in force on the decision date,
  rounded up to the next 10,000 VND (§10.13).
- A revocation keeps the award on record with its public reason (Luật TĐKT 2022 Chương VII).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.accounts.models import Membership
from minhbach.core import ledger
from minhbach.emulation.models import (
    Attendance,
    AwardDecision,
    AwardForm,
    AwardRecipient,
    AwardRound,
    BaseSalary,
    Council,
    CouncilMember,
    CouncilSession,
    Proposal,
    ProposalEvent,
    Review,
    Revocation,
    Subject,
    Vote,
)
from minhbach.emulation.services import EmulationError
from minhbach.emulation.transitions import PROPOSAL_TRANSITIONS

ROUNDING_VND = 10_000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- Pure rules ----------------------------------------------------------------------------------


def vote_passes(form: AwardForm, *, agree: int, base: int) -> bool:
    """D8: ``agree / base`` against the form's threshold, strictly (>) or not (≥); exact, no floats."""
    if base <= 0:
        return False
    needed = form.threshold * base
    return Decimal(agree) > needed if form.strict else Decimal(agree) >= needed


def quorum_met(council: Council, *, present: int, members: int) -> bool:
    """present / members ≥ numerator / denominator (default 2/3, NĐ 98/2023/NĐ-CP Điều 47)."""
    return members > 0 and present * council.quorum_denominator >= council.quorum_numerator * members


def reward_amount(coefficient: Decimal, base_salary_vnd: int) -> int:
    """coefficient × base salary, rounded UP to the next 10,000 VND (§10.13)."""
    raw = Decimal(coefficient) * Decimal(base_salary_vnd)
    steps = (raw / ROUNDING_VND).to_integral_value(rounding=ROUND_CEILING)
    return int(steps) * ROUNDING_VND


def base_salary_on(day: dt.date) -> BaseSalary:
    row = BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        raise EmulationError(
            _("Chưa có mức lương cơ sở áp dụng ngày %(day)s trong bảng lương cơ sở.")
            % {"day": f"{day:%d/%m/%Y}"}
        )
    return row


def members_on(council: Council, day: dt.date):
    return council.members.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


# --- Proposals -----------------------------------------------------------------------------------


def _move(*, actor: Any, proposal: Proposal, action: str, note: str = "") -> Proposal:
    transition = PROPOSAL_TRANSITIONS[action]
    if proposal.status not in transition.sources:
        raise EmulationError(
            _("Không thể thực hiện thao tác này khi đề nghị “%(name)s” đang ở trạng thái “%(state)s”.")
            % {"name": proposal.nominee_name, "state": proposal.get_status_display()}
        )
    previous = proposal.status
    proposal.status = transition.target
    proposal.save()
    ProposalEvent.objects.create(
        proposal=proposal,
        action=action,
        from_state=previous,
        to_state=proposal.status,
        at=timezone.now(),
        actor=_user(actor),
        note=note,
    )
    ledger.record(
        actor=actor,
        action=f"emulation.proposal_{action}",
        obj=proposal,
        payload={"from": previous, "to": proposal.status, "note": note},
    )
    return proposal


@transaction.atomic
def round_open(
    *,
    actor: Any,
    review: Review,
    award_form: AwardForm,
    issuing_role: str,
    legal_basis: str,
    issuing_agency: Any = None,
    opened_on: dt.date | None = None,
) -> AwardRound:
    """Open an award round on a published final review; one proposal per proposed standing (§10.10)."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("movement__criteria_set")
        .get(pk=review.pk)
    )
    if review.kind != Review.Kind.FINAL:
        raise EmulationError(_("Sơ kết không xét khen thưởng; chỉ đợt tổng kết mới có đề nghị khen thưởng."))
    if review.published_at is None:
        raise EmulationError(
            _("Kết quả tổng kết chưa công bố: cần lấy ý kiến phản hồi và công bố trước khi trình Hội đồng.")
        )
    if AwardRound.objects.filter(review=review, award_form=award_form).exists():
        raise EmulationError(_("Đợt tổng kết này đã có đợt xét %(form)s.") % {"form": award_form.name})
    if not (issuing_role or "").strip() or not (legal_basis or "").strip():
        raise EmulationError(_("Vui lòng nhập thẩm quyền quyết định và căn cứ pháp lý."))
    ev = review.evaluations.order_by("-version").first()
    movement = review.movement
    rnd = AwardRound.objects.create(
        movement=movement,
        review=review,
        evaluation=ev,
        award_form=award_form,
        issuing_agency=issuing_agency or movement.launching_agency,
        issuing_role=issuing_role.strip(),
        legal_basis=legal_basis.strip(),
        tie_breaks=list(movement.criteria_set.settings.get("tie_breaks") or []),
        opened_on=opened_on or timezone.localdate(),
        created_by=_user(actor),
    )
    standings = ev.standings.filter(proposed=True).order_by("group__code", "subject", "rank")
    proposals = [
        Proposal(
            round=rnd,
            standing=s,
            subject=s.subject,
            agency_id=s.agency_id,
            official_id=s.official_id,
            proposing_agency_id=s.nominating_agency_id or s.agency_id,
            group_id=s.group_id,
            score=s.score,
            rank=s.rank,
            tie_break=s.tie_break,
        )
        for s in standings
    ]
    Proposal.objects.bulk_create(proposals)
    ledger.record(
        actor=actor,
        action="emulation.round_open",
        obj=rnd,
        unit_code=rnd.issuing_agency.electronic_code,
        payload={
            "review": review.pk,
            "evaluation": ev.pk,
            "version": ev.version,
            "award_form": award_form.code,
            "proposals": [f"{p.subject}:{p.agency_id or p.official_id}" for p in proposals],
        },
    )
    return rnd


@transaction.atomic
def proposals_submit(*, actor: Any, round: AwardRound) -> int:
    """Trình Hội đồng: every proposal still ``proposed`` goes to the council."""
    rows = list(
        Proposal.objects.select_for_update(of=("self",)).filter(round=round, status=Proposal.Status.PROPOSED)
    )
    if not rows:
        raise EmulationError(_("Không còn đề nghị nào chờ trình Hội đồng."))
    for p in rows:
        _move(actor=actor, proposal=p, action="submit")
    return len(rows)


# --- Council -------------------------------------------------------------------------------------


@transaction.atomic
def council_create(
    *,
    actor: Any,
    agency: Any,
    name: str,
    members: list[tuple[Any, str, str]] | None = None,
    valid_from: dt.date | None = None,
    established_by: str = "",
) -> Council:
    """A council, optionally with its members ``(official, role, title)`` from ``valid_from`` (§10.11)."""
    name = (name or "").strip()
    if not name:
        raise EmulationError(_("Vui lòng nhập tên Hội đồng."))
    members = members or []
    if members and valid_from is None:
        raise EmulationError(_("Vui lòng nhập ngày bắt đầu của các thành viên Hội đồng."))
    council = Council.objects.create(agency=agency, name=name, established_by=established_by.strip())
    for official, role, title in members:
        council_member_add(
            actor=actor, council=council, official=official, role=role, title=title, valid_from=valid_from
        )
    ledger.record(
        actor=actor,
        action="emulation.council_create",
        obj=council,
        unit_code=agency.electronic_code,
        payload={"name": name, "established_by": established_by, "members": len(members)},
    )
    return council


@transaction.atomic
def council_member_add(
    *, actor: Any, council: Council, official: Any, valid_from: dt.date, role: str = "member", title: str = ""
) -> CouncilMember:
    if role not in CouncilMember.Role.values:
        raise EmulationError(_("Chức danh trong Hội đồng không hợp lệ."))
    if members_on(council, valid_from).filter(official=official).exists():
        raise EmulationError(_("%(name)s đang là thành viên Hội đồng.") % {"name": official.full_name})
    member = CouncilMember.objects.create(
        council=council, official=official, role=role, title=title.strip(), valid_from=valid_from
    )
    ledger.record(
        actor=actor,
        action="emulation.council_member_add",
        obj=member,
        payload={"council": council.pk, "official": official.pk, "role": role, "valid_from": valid_from},
    )
    return member


@transaction.atomic
def council_member_end(*, actor: Any, member: CouncilMember, valid_to: dt.date) -> CouncilMember:
    member = CouncilMember.objects.select_for_update(of=("self",)).get(pk=member.pk)
    if member.valid_to is not None:
        raise EmulationError(_("Thành viên này đã thôi tham gia Hội đồng."))
    if valid_to < member.valid_from:
        raise EmulationError(_("Ngày thôi tham gia phải sau ngày bắt đầu."))
    member.valid_to = valid_to
    member.save(update_fields=["valid_to"])
    ledger.record(
        actor=actor, action="emulation.council_member_end", obj=member, payload={"valid_to": valid_to}
    )
    return member


@transaction.atomic
def session_open(
    *,
    actor: Any,
    council: Council,
    round: AwardRound,
    held_on: dt.date,
    present: list[CouncilMember],
    place: str = "",
    draw_seed: str | None = None,
    witnesses: str = "",
) -> CouncilSession:
    """Record a session: the members on the day, who is present, the quorum, the draw seed and witnesses.

    When a proposed place was decided by the recorded draw (D9 step 4), the seed used by the
    evaluation is confirmed in the session with its witnesses; a different seed is refused,
    because the ranking on the table would not be the one the council saw drawn.
    """
    members = list(members_on(council, held_on))
    if not members:
        raise EmulationError(_("Hội đồng không có thành viên vào ngày họp."))
    ids = {m.pk for m in members}
    present_ids = {m.pk for m in present}
    if not present_ids <= ids:
        raise EmulationError(_("Người dự họp phải là thành viên Hội đồng vào ngày họp."))
    ev = round.evaluation
    seed = ev.draw_seed if draw_seed is None else draw_seed.strip()
    drawn = round.proposals.filter(tie_break="recorded_draw").exists()
    if drawn:
        if seed != ev.draw_seed:
            raise EmulationError(
                _(
                    "Hạt giống bốc thăm “%(seed)s” khác hạt giống đã dùng để xếp hạng (“%(used)s”); "
                    "thứ tự bốc thăm trên bảng không khớp. Hãy tính lại kết quả với hạt giống "
                    "bốc tại phiên họp."
                )
                % {"seed": seed, "used": ev.draw_seed}
            )
        if not witnesses.strip():
            raise EmulationError(_("Có vị trí được phân định bằng bốc thăm: cần ghi tên người chứng kiến."))
    met = quorum_met(council, present=len(present_ids), members=len(members))
    session = CouncilSession.objects.create(
        council=council,
        round=round,
        held_on=held_on,
        place=place.strip(),
        members_count=len(members),
        present_count=len(present_ids),
        quorum_met=met,
        draw_seed=seed,
        witnesses=witnesses.strip(),
        created_by=_user(actor),
    )
    Attendance.objects.bulk_create(
        [Attendance(session=session, member=m, present=m.pk in present_ids) for m in members]
    )
    ledger.record(
        actor=actor,
        action="emulation.session_open",
        obj=session,
        unit_code=council.agency.electronic_code,
        payload={
            "round": round.pk,
            "held_on": held_on,
            "members": sorted(ids),
            "present": sorted(present_ids),
            "quorum_met": met,
            "seed": seed,
            "witnesses": witnesses.strip(),
        },
    )
    return session


@transaction.atomic
def vote_cast(
    *, actor: Any, session: CouncilSession, member: CouncilMember, proposal: Proposal, choice: str
) -> Vote:
    """One member's vote on one proposal; an absent member's vote is recorded as written (Điều 30)."""
    session = CouncilSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if session.status != CouncilSession.Status.OPEN:
        raise EmulationError(_("Phiên họp đã kết thúc kiểm phiếu; không nhận thêm phiếu."))
    if not session.quorum_met:
        raise EmulationError(_("Phiên họp không đủ số thành viên dự họp theo quy định; không biểu quyết."))
    if choice not in Vote.Choice.values:
        raise EmulationError(_("Ý kiến biểu quyết không hợp lệ."))
    attendance = session.attendance.filter(member=member).first()
    if attendance is None:
        raise EmulationError(_("Người bỏ phiếu không phải thành viên Hội đồng vào ngày họp."))
    if proposal.round_id != session.round_id or proposal.status != Proposal.Status.SUBMITTED:
        raise EmulationError(_("Đề nghị này không thuộc danh sách trình Hội đồng tại phiên họp."))
    if Vote.objects.filter(session=session, member=member, proposal=proposal).exists():
        raise EmulationError(_("Thành viên đã bỏ phiếu cho đề nghị này."))
    vote = Vote.objects.create(
        session=session,
        member=member,
        proposal=proposal,
        choice=choice,
        written=not attendance.present,
        cast_at=timezone.now(),
        entered_by=_user(actor),
    )
    ledger.record(
        actor=actor,
        action="emulation.vote_cast",
        obj=vote,
        payload={
            "session": session.pk,
            "member": member.pk,
            "proposal": proposal.pk,
            "choice": choice,
            "written": vote.written,
        },
    )
    return vote


@transaction.atomic
def session_close(*, actor: Any, session: CouncilSession) -> CouncilSession:
    """Count the votes: each submitted proposal passes or fails under its award form's rule (D8)."""
    session = (
        CouncilSession.objects.select_for_update(of=("self",))
        .select_related("round__award_form")
        .get(pk=session.pk)
    )
    if session.status != CouncilSession.Status.OPEN:
        raise EmulationError(_("Phiên họp đã kết thúc kiểm phiếu."))
    if not session.quorum_met:
        raise EmulationError(
            _("Phiên họp chỉ có %(p)d/%(m)d thành viên dự họp, không đủ số quy định; không thể kiểm phiếu.")
            % {"p": session.present_count, "m": session.members_count}
        )
    form = session.round.award_form
    base = session.members_count if form.base == AwardForm.Base.ALL_MEMBERS else session.present_count
    agrees = dict(
        Proposal.objects.filter(round=session.round, status=Proposal.Status.SUBMITTED)
        .annotate(n=Count("votes", filter=Q(votes__session=session, votes__choice=Vote.Choice.AGREE)))
        .values_list("pk", "n")
    )
    tally = {}
    for proposal in (
        Proposal.objects.select_for_update(of=("self",))
        .filter(pk__in=agrees.keys())
        .select_related("agency", "official")
    ):
        agree = agrees[proposal.pk]
        passed = vote_passes(form, agree=agree, base=base) if form.vote_required else True
        proposal.agree_votes, proposal.vote_base = agree, base
        _move(
            actor=actor,
            proposal=proposal,
            action="pass" if passed else "fail",
            note=f"{agree}/{base}",
        )
        tally[proposal.pk] = [agree, base, passed]
    session.status, session.closed_at = CouncilSession.Status.CLOSED, timezone.now()
    session.save(update_fields=["status", "closed_at"])
    ledger.record(
        actor=actor,
        action="emulation.session_close",
        obj=session,
        payload={
            "rule": {"threshold": form.threshold, "strict": form.strict, "base": form.base},
            "tally": {str(k): v for k, v in tally.items()},
        },
    )
    return session


# --- Decision and revocation ---------------------------------------------------------------------


@transaction.atomic
def decision_issue(
    *,
    actor: Any,
    round: AwardRound,
    number: str,
    date: dt.date,
    signer_name: str,
    signer_title: str,
    legal_basis: str = "",
) -> AwardDecision:
    """The Chủ tịch's decision on every passed proposal, with amounts on the decision date's base salary."""
    number, signer_name, signer_title = number.strip(), signer_name.strip(), signer_title.strip()
    if not number or not signer_name or not signer_title:
        raise EmulationError(_("Vui lòng nhập số quyết định, người ký và chức vụ người ký."))
    rnd = (
        AwardRound.objects.select_for_update(of=("self",))
        .select_related("award_form", "issuing_agency")
        .get(pk=round.pk)
    )
    if AwardDecision.objects.filter(issuing_agency=rnd.issuing_agency, number=number).exists():
        raise EmulationError(_("Số quyết định %(n)s đã được dùng.") % {"n": number})
    passed = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(round=rnd, status=Proposal.Status.PASSED)
        .select_related("agency", "official", "proposing_agency", "group")
        .order_by("subject", "group__code", "rank")
    )
    if not passed:
        raise EmulationError(_("Chưa có đề nghị nào được Hội đồng thông qua."))
    session = rnd.sessions.filter(status=CouncilSession.Status.CLOSED).order_by("-held_on").first()
    if session is not None and date < session.held_on:
        raise EmulationError(_("Ngày quyết định không thể trước ngày họp Hội đồng."))
    salary = base_salary_on(date)
    form = rnd.award_form
    decision = AwardDecision.objects.create(
        round=rnd,
        number=number,
        date=date,
        issuing_agency=rnd.issuing_agency,
        signer_name=signer_name,
        signer_title=signer_title,
        legal_basis=(legal_basis or rnd.legal_basis).strip(),
        base_salary=salary,
        created_by=_user(actor),
    )
    positions = {
        m.official_id: m.position
        for m in Membership.objects.filter(
            Q(official__in=[p.official_id for p in passed if p.official_id]),
            Q(valid_from__lte=date),
            Q(valid_to__isnull=True) | Q(valid_to__gte=date),
        ).order_by("valid_from")
    }
    recipients = []
    for i, p in enumerate(passed, start=1):
        coefficient = (
            form.coefficient_individual if p.subject == Subject.INDIVIDUAL else form.coefficient_collective
        )
        if coefficient is None:
            raise EmulationError(
                _("Hình thức %(form)s không áp dụng cho %(subject)s.")
                % {"form": form.name, "subject": Subject(p.subject).label.lower()}
            )
        recipients.append(
            AwardRecipient(
                decision=decision,
                proposal=p,
                subject=p.subject,
                agency_id=p.agency_id,
                official_id=p.official_id,
                award_form=form,
                name=p.nominee_name,
                unit_name=p.proposing_agency.name if p.official_id else "",
                position=positions.get(p.official_id, "") if p.official_id else "",
                coefficient=coefficient,
                base_salary_vnd=salary.amount_vnd,
                amount_vnd=reward_amount(coefficient, salary.amount_vnd),
                thematic=rnd.movement.kind == "thematic",
                position_in_decision=i,
            )
        )
    AwardRecipient.objects.bulk_create(recipients)
    for p in passed:
        _move(actor=actor, proposal=p, action="decide", note=number)
    rnd.decided_on = date
    rnd.save(update_fields=["decided_on"])
    ledger.record(
        actor=actor,
        action="emulation.decision_issue",
        obj=decision,
        unit_code=rnd.issuing_agency.electronic_code,
        payload={
            "round": rnd.pk,
            "number": number,
            "date": date,
            "signer": [signer_name, signer_title],
            "base_salary": salary.amount_vnd,
            "recipients": [[r.name, r.coefficient, r.amount_vnd] for r in recipients],
        },
    )
    return decision


@transaction.atomic
def recipient_revoke(
    *,
    actor: Any,
    recipient: AwardRecipient,
    grounds: str,
    reason: str,
    decision_number: str,
    decision_date: dt.date,
    amount_recovered_vnd: int = 0,
) -> Revocation:
    """Revoke one award (Luật TĐKT 2022 Chương VII): the row stays, marked revoked, reason public."""
    if grounds not in Revocation.Grounds.values:
        raise EmulationError(_("Căn cứ hủy quyết định khen thưởng không hợp lệ."))
    reason, decision_number = (reason or "").strip(), (decision_number or "").strip()
    if not reason or not decision_number:
        raise EmulationError(_("Vui lòng nêu lý do và số quyết định hủy khen thưởng."))
    recipient = (
        AwardRecipient.objects.select_for_update(of=("self",))
        .select_related("decision", "proposal")
        .get(pk=recipient.pk)
    )
    if Revocation.objects.filter(recipient=recipient).exists():
        raise EmulationError(_("Khen thưởng này đã bị hủy."))
    if decision_date < recipient.decision.date:
        raise EmulationError(_("Ngày quyết định hủy không thể trước ngày quyết định khen thưởng."))
    if not 0 <= amount_recovered_vnd <= recipient.amount_vnd:
        raise EmulationError(_("Số tiền thu hồi phải từ 0 đến số tiền đã thưởng."))
    revocation = Revocation.objects.create(
        recipient=recipient,
        grounds=grounds,
        reason=reason,
        decision_number=decision_number,
        decision_date=decision_date,
        amount_recovered_vnd=amount_recovered_vnd,
        revoked_by=_user(actor),
        revoked_at=timezone.now(),
    )
    _move(actor=actor, proposal=recipient.proposal, action="revoke", note=reason)
    ledger.record(
        actor=actor,
        action="emulation.recipient_revoke",
        obj=revocation,
        payload={
            "recipient": recipient.pk,
            "decision": recipient.decision.number,
            "grounds": grounds,
            "reason": reason,
            "revoking_decision": [decision_number, decision_date],
            "amount_recovered": amount_recovered_vnd,
        },
    )
    return revocation
