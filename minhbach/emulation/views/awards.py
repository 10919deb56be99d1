"""Award round, council sessions and votes, decisions and certificates (DOMAIN.md §10.10–10.14).

The standing body prepares the round, records sessions, enters written votes of absent members,
counts and records the decision; a council member casts his own votes and sees everything; the
auditor only views. Out of scope or without the permission: 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minhbach.emulation import awards, certificates, selectors
from minhbach.emulation.forms import (
    CouncilForm,
    CouncilMemberForm,
    DecisionForm,
    RevocationForm,
    RoundForm,
    SessionForm,
)
from minhbach.emulation.models import AwardRecipient, CouncilMember, Proposal, Vote
from minhbach.emulation.views.manage import _form_page
from minhbach.emulation.views.staff import VIEW_PERM, _require

ROUND_VIEW = "emulation.view_awardround"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, ROUND_VIEW, "emulation.add_awardround")
    review = selectors.review_get(request.user, pk)
    form = RoundForm(request.POST or None)
    back = reverse("emulation:movement", args=[review.movement_id])
    title = _("Mở đợt xét khen thưởng")
    if request.method == "POST":
        if form.is_valid():
            try:
                rnd = awards.round_open(actor=request.user, review=review, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("emulation:round", rnd.pk)
        return _form_page(request, title=title, form=form, back=back, status=400)
    return _form_page(request, title=title, form=form, back=back)


def _round_page(request, rnd, *, session_form=None, decision_form=None, error=None, status=200):
    proposals = list(
        rnd.proposals.select_related("agency", "official", "proposing_agency", "group").order_by(
            "group__code", "subject", "rank"
        )
    )
    councils = selectors.councils(request.user)
    if session_form is None and request.user.has_perm("emulation.add_councilsession"):
        session_form = SessionForm(
            councils=councils, members=CouncilMember.objects.filter(council__in=councils)
        )
    if decision_form is None and request.user.has_perm("emulation.add_awarddecision"):
        decision_form = DecisionForm()
    context = {
        "round": rnd,
        "proposals": proposals,
        "sessions": rnd.sessions.select_related("council"),
        "decisions": rnd.decisions.annotate(n=Count("recipients")),
        "can_submit": request.user.has_perm("emulation.change_awardround")
        and any(p.status == Proposal.Status.PROPOSED for p in proposals),
        "session_form": session_form,
        "decision_form": decision_form,
        "error": error,
    }
    return render(request, "emulation/staff/round.html", context, status=status)


@login_required
def award_round(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, ROUND_VIEW)
    return _round_page(request, selectors.award_round_get(request.user, pk))


@login_required
@require_POST
def round_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, ROUND_VIEW, "emulation.change_awardround")
    rnd = selectors.award_round_get(request.user, pk)
    try:
        awards.proposals_submit(actor=request.user, round=rnd)
    except ValidationError as exc:
        return _round_page(request, rnd, error=exc.messages, status=400)
    return redirect("emulation:round", rnd.pk)


@login_required
@require_POST
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, ROUND_VIEW, "emulation.add_councilsession")
    rnd = selectors.award_round_get(request.user, pk)
    councils = selectors.councils(request.user)
    form = SessionForm(
        request.POST, councils=councils, members=CouncilMember.objects.filter(council__in=councils)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = awards.session_open(
                actor=request.user,
                council=data["council"],
                round=rnd,
                held_on=data["held_on"],
                present=list(data["present"]),
                place=data["place"],
                draw_seed=data["draw_seed"] or None,
                witnesses=data["witnesses"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("emulation:session", session.pk)
    return _round_page(request, rnd, session_form=form, status=400)


@login_required
@require_POST
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, ROUND_VIEW, "emulation.add_awarddecision")
    rnd = selectors.award_round_get(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = awards.decision_issue(actor=request.user, round=rnd, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("emulation:decision", decision.pk)
    return _round_page(request, rnd, decision_form=form, status=400)


# --- Sessions and votes --------------------------------------------------------------------------


def _my_seat(request, session) -> CouncilMember | None:
    official = getattr(request.user, "official", None)
    if official is None:
        return None
    return (
        CouncilMember.objects.filter(official=official, pk__in=session.attendance.values("member"))
        .select_related("official")
        .first()
    )


def _session_page(request, session, *, error=None, status=200):
    attendance = list(session.attendance.select_related("member__official"))
    proposals = list(
        Proposal.objects.filter(round=session.round)
        .select_related("agency", "official", "proposing_agency", "group")
        .annotate(
            agree=Count("votes", filter=Q(votes__session=session, votes__choice=Vote.Choice.AGREE)),
            disagree=Count("votes", filter=Q(votes__session=session, votes__choice=Vote.Choice.DISAGREE)),
        )
        .order_by("group__code", "subject", "rank")
    )
    seat = _my_seat(request, session)
    can_enter = request.user.has_perm("emulation.change_councilsession")
    mine = set()
    if seat is not None:
        mine = set(Vote.objects.filter(session=session, member=seat).values_list("proposal_id", flat=True))
    context = {
        "session": session,
        "round": session.round,
        "attendance": attendance,
        "proposals": proposals,
        "seat": seat if request.user.has_perm("emulation.add_vote") else None,
        "voted": mine,
        "can_enter": can_enter,
        "members": [a.member for a in attendance],
        "open": session.status == session.Status.OPEN,
        "error": error,
    }
    return render(request, "emulation/staff/session.html", context, status=status)


def _session_visible(request, pk):
    _require(request, VIEW_PERM, "emulation.view_councilsession")
    return selectors.session_get(request.user, pk)


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, _session_visible(request, pk))


@login_required
@require_POST
def session_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Votes for several proposals at once: a member for himself, the secretariat for an absent member."""
    session = _session_visible(request, pk)
    if request.POST.get("member"):
        _require(request, "emulation.change_councilsession")
        member = next(
            (a.member for a in session.attendance.all() if str(a.member_id) == request.POST["member"]), None
        )
        if member is None:
            return _session_page(
                request, session, error=[_("Chọn thành viên Hội đồng của phiên họp.")], status=400
            )
    else:
        _require(request, "emulation.add_vote")
        member = _my_seat(request, session)
        if member is None:
            raise Http404
    proposals = {str(p.pk): p for p in Proposal.objects.filter(round=session.round)}
    choices = [
        (proposals[k[1:]], v)
        for k, v in request.POST.items()
        if k.startswith("p") and k[1:] in proposals and v
    ]
    if not choices:
        return _session_page(request, session, error=[_("Chưa chọn ý kiến cho đề nghị nào.")], status=400)
    try:
        for proposal, choice in choices:
            awards.vote_cast(
                actor=request.user, session=session, member=member, proposal=proposal, choice=choice
            )
    except ValidationError as exc:
        return _session_page(request, session, error=exc.messages, status=400)
    return redirect("emulation:session", session.pk)


@login_required
@require_POST
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_visible(request, pk)
    _require(request, "emulation.change_councilsession")
    try:
        awards.session_close(actor=request.user, session=session)
    except ValidationError as exc:
        return _session_page(request, session, error=exc.messages, status=400)
    return redirect("emulation:session", session.pk)


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_visible(request, pk)
    return _pdf(certificates.minutes_pdf(session), f"bien-ban-hop-hoi-dong-{session.pk}.pdf")


# --- Councils ------------------------------------------------------------------------------------


@login_required
def councils(request: HttpRequest) -> HttpResponse:
    _require(request, "emulation.view_council")
    form = None
    if request.user.has_perm("emulation.add_council"):
        form = CouncilForm(request.POST or None, agencies=selectors.agencies_in_scope(request.user))
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                council = awards.council_create(
                    actor=request.user,
                    agency=form.cleaned_data["agency"],
                    name=form.cleaned_data["name"],
                    established_by=form.cleaned_data["established_by"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("emulation:council", council.pk)
        status = 400
    rows = selectors.councils(request.user).annotate(n=Count("members"))
    return render(request, "emulation/staff/councils.html", {"councils": rows, "form": form}, status=status)


@login_required
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "emulation.view_council")
    council = selectors.councils(request.user).filter(pk=pk).first()
    if council is None:
        raise Http404
    form = None
    if request.user.has_perm("emulation.add_council"):
        form = CouncilMemberForm(request.POST or None, officials=selectors.officials_in_scope(request.user))
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                awards.council_member_add(actor=request.user, council=council, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(request.path)
        status = 400
    members = council.members.select_related("official").order_by("valid_to", "role", "official__full_name")
    return render(
        request,
        "emulation/staff/council.html",
        {"council": council, "members": members, "form": form},
        status=status,
    )


# --- Decisions, certificates, revocation ---------------------------------------------------------


def _decision_page(request, decision, *, forms=None, status=200):
    recipients = list(decision.recipients.select_related("revocation", "award_form"))
    can_revoke = request.user.has_perm("emulation.add_revocation")
    forms = forms or {}
    rows = [
        (
            r,
            (forms.get(r.pk) or RevocationForm(prefix=f"r{r.pk}"))
            if can_revoke and not hasattr(r, "revocation")
            else None,
        )
        for r in recipients
    ]
    return render(
        request,
        "emulation/staff/decision.html",
        {
            "decision": decision,
            "round": decision.round,
            "rows": rows,
            "total": sum(r.amount_vnd for r in recipients),
        },
        status=status,
    )


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, "emulation.view_awarddecision")
    return _decision_page(request, selectors.decision_get(request.user, pk))


def _recipient(request, pk: int, recipient_pk: int) -> AwardRecipient:
    _require(request, VIEW_PERM, "emulation.view_awarddecision")
    decision = selectors.decision_get(request.user, pk)
    recipient = (
        AwardRecipient.objects.filter(decision=decision, pk=recipient_pk)
        .select_related(
            "decision__round__movement", "decision__issuing_agency__administrative_unit", "award_form"
        )
        .first()
    )
    if recipient is None:
        raise Http404
    return recipient


@login_required
def certificate(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponse:
    recipient = _recipient(request, pk, recipient_pk)
    return _pdf(
        certificates.certificate_pdf(recipient), f"giay-khen-{recipient.decision_id}-{recipient.pk}.pdf"
    )


@login_required
@require_POST
def recipient_revoke(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponse:
    recipient = _recipient(request, pk, recipient_pk)
    _require(request, "emulation.add_revocation")
    form = RevocationForm(request.POST, prefix=f"r{recipient.pk}")
    if form.is_valid():
        try:
            awards.recipient_revoke(actor=request.user, recipient=recipient, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("emulation:decision", recipient.decision_id)
    return _decision_page(request, recipient.decision, forms={recipient.pk: form}, status=400)
