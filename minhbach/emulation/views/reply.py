"""Right of reply pages (DOMAIN.md §10.9).

- The standing body (``secretariat``) opens and closes the window, decides each objection and
  publishes the final results; council members and auditors see the objection log.
- A unit leader sees his own unit's figures and evidence rows while the window is open and files
  objections for his unit (and the officials it registered) only; any other unit is 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minhbach.accounts.models import Official
from minhbach.accounts.policies import in_scope
from minhbach.emulation import reply, selectors
from minhbach.emulation.forms import ObjectionDecisionForm, ObjectionForm, ReplyWindowForm
from minhbach.emulation.models import Objection, ReplyWindow
from minhbach.emulation.views.staff import VIEW_PERM, _require
from minhbach.units.models import Agency

OBJECTION_VIEW = "emulation.view_objection"


def _review_page(request, review, *, error=None, status=200, decide_forms=None) -> HttpResponse:
    windows = list(review.reply_windows.select_related("evaluation", "opened_by", "closed_by"))
    rows = list(selectors.objections(review))
    can_decide = request.user.has_perm("emulation.change_objection")
    decide_forms = decide_forms or {}
    items = [
        (o, decide_forms.get(o.pk) or ObjectionDecisionForm(prefix=f"o{o.pk}"))
        if can_decide and o.status == Objection.Status.PENDING
        else (o, None)
        for o in rows
    ]
    context = {
        "review": review,
        "movement": review.movement,
        "windows": windows,
        "current": reply.current_window(review),
        "items": items,
        "can_manage": request.user.has_perm("emulation.add_replywindow"),
        "can_publish": request.user.has_perm("emulation.change_review"),
        "window_form": ReplyWindowForm(),
        "error": error,
    }
    return render(request, "emulation/staff/reply.html", context, status=status)


@login_required
def review_reply(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, OBJECTION_VIEW)
    return _review_page(request, selectors.review_get(request.user, pk))


@login_required
@require_POST
def reply_open(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, OBJECTION_VIEW, "emulation.add_replywindow")
    review = selectors.review_get(request.user, pk)
    form = ReplyWindowForm(request.POST)
    if not form.is_valid():
        return _review_page(request, review, error=form.errors, status=400)
    try:
        reply.reply_window_open(
            actor=request.user, review=review, working_days=form.cleaned_data["working_days"]
        )
    except ValidationError as exc:
        return _review_page(request, review, error=exc.messages, status=400)
    return redirect("emulation:reply", review.pk)


@login_required
@require_POST
def reply_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, OBJECTION_VIEW, "emulation.add_replywindow")
    window = ReplyWindow.objects.filter(pk=pk).select_related("review").first()
    if window is None:
        raise Http404
    review = selectors.review_get(request.user, window.review_id)
    try:
        reply.reply_window_close(actor=request.user, window=window)
    except ValidationError as exc:
        return _review_page(request, review, error=exc.messages, status=400)
    return redirect("emulation:reply", review.pk)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, OBJECTION_VIEW, "emulation.change_objection")
    objection = Objection.objects.filter(pk=pk).select_related("window").first()
    if objection is None:
        raise Http404
    review = selectors.review_get(request.user, objection.window.review_id)
    form = ObjectionDecisionForm(request.POST, prefix=f"o{objection.pk}")
    if not form.is_valid():
        return _review_page(request, review, decide_forms={objection.pk: form}, status=400)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        reply.objection_decide(
            actor=request.user,
            objection=objection,
            accept=accept,
            reason=form.cleaned_data["reason"],
            value=form.cleaned_data["value"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _review_page(request, review, decide_forms={objection.pk: form}, status=400)
    return redirect("emulation:reply", review.pk)


@login_required
@require_POST
def review_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, OBJECTION_VIEW, "emulation.change_review")
    review = selectors.review_get(request.user, pk)
    try:
        reply.review_publish(actor=request.user, review=review)
    except ValidationError as exc:
        return _review_page(request, review, error=exc.messages, status=400)
    return redirect("emulation:reply", review.pk)


# --- The unit's side -----------------------------------------------------------------------------


@login_required
def unit_reply_list(request: HttpRequest) -> HttpResponse:
    _require(request, "emulation.add_objection")
    return render(
        request, "emulation/staff/unit_reply_list.html", {"rows": selectors.reply_reviews(request.user)}
    )


def _unit_context(request, window: ReplyWindow, agency: Agency) -> dict:
    ev = window.evaluation
    standings = list(
        ev.standings.filter(Q(agency=agency) | Q(nominating_agency=agency, official__isnull=False))
        .select_related("agency", "official", "group")
        .order_by("subject", "rank", "pk")
    )
    officials = [s.official_id for s in standings if s.official_id]
    results = list(
        ev.criterion_results.filter(Q(agency=agency) | Q(official__in=officials)).select_related("criterion")
    )
    by_participant: dict[str, list] = {}
    for r in sorted(results, key=lambda r: r.criterion.position):
        by_participant.setdefault(r.participant_key, []).append(r)
    targets = []
    for s in standings:
        label = s.official.full_name if s.official_id else s.agency.name
        for r in by_participant.get(s.participant_key, []):
            targets.append((f"{s.participant_key}:{r.criterion.code}", f"{label} — {r.criterion.code}"))
    return {
        "window": window,
        "review": window.review,
        "agency": agency,
        "standings": [(s, by_participant.get(s.participant_key, [])) for s in standings],
        "rows": selectors.evidence_rows(results),
        "targets": targets,
        "mine": Objection.objects.filter(window__review=window.review, agency=agency).select_related(
            "official", "reevaluation"
        ),
    }


@login_required
def unit_reply(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    """A unit's provisional figures with evidence, and its objections (only while the window is open)."""
    _require(request, "emulation.add_objection")
    agency = Agency.objects.filter(pk=agency_pk).first()
    if agency is None or not in_scope(request.user, agency):
        raise Http404
    # The latest window: while it is open the form is offered; after it, a late objection gets
    # the service's clear refusal instead of a missing page.
    window = (
        ReplyWindow.objects.select_related("review__movement", "evaluation")
        .filter(review_id=pk)
        .order_by("-opened_at")
        .first()
    )
    if window is None or not window.evaluation.standings.filter(agency=agency).exists():
        raise Http404
    context = _unit_context(request, window, agency)
    form = ObjectionForm(request.POST or None, request.FILES or None, targets=context["targets"])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind, participant_pk, code = form.cleaned_data["target"].split(":")
            official = Official.objects.get(pk=participant_pk) if kind == "official" else None
            try:
                reply.objection_file(
                    actor=request.user,
                    review=window.review,
                    agency=agency,
                    official=official,
                    criterion_code=code,
                    evidence_ref=form.cleaned_data["evidence_ref"],
                    text=form.cleaned_data["text"],
                    attachment=form.cleaned_data.get("attachment"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(request.path)
        status = 400
    context["form"] = form
    context["is_open"] = window.is_open()
    context["title"] = _("Phản hồi kết quả")
    return render(request, "emulation/staff/unit_reply.html", context, status=status)
