"""Back office of the emulation movement: movements, scoreboards, a participant's evidence, registers.

The standing body (Phòng Nội vụ, role ``secretariat``) manages; the council and auditors view.
Missing permissions and out-of-scope objects answer 404 (never 403). Every write goes through
``services`` or ``evaluation``; a refused write comes back as the page with the message, status
400, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minhbach.emulation import evaluation, selectors, services
from minhbach.emulation.forms import (
    AnnualRatingForm,
    DisciplineCaseForm,
    EvaluateForm,
    InitiativeForm,
    ParIndexForm,
    TaskCompletionForm,
    VerificationForm,
)

VIEW_PERM = "emulation.view_movement"
EVALUATE_PERM = "emulation.add_evaluation"
PAGE_SIZE = 50


def _require(request: HttpRequest, *perms: str) -> None:
    if not all(request.user.has_perm(p) for p in perms):
        raise Http404


@login_required
def movement_list(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_PERM)
    return render(request, "emulation/staff/movements.html", {"movements": selectors.movements(request.user)})


def _movement_page(
    request: HttpRequest, pk: int, *, form=None, error=None, status: int = 200
) -> HttpResponse:
    movement = selectors.movement_get(request.user, pk)
    reviews = list(movement.reviews.all())
    chosen = None
    wanted = request.GET.get("dot") or (form.data.get("review") if form is not None else None)
    for review in reviews:
        if str(review.pk) == str(wanted):
            chosen = review
    latest = selectors.latest_evaluations(reviews)
    if chosen is None and reviews:
        with_results = [r for r in reviews if latest.get(r.pk)]
        chosen = (with_results or reviews)[-1]
    current = latest.get(chosen.pk) if chosen else None
    groups = list(movement.groups.select_related("head_unit", "deputy_unit").prefetch_related("members"))
    gates, boards = selectors.scoreboard(current, groups) if current else ([], [])
    can_evaluate = request.user.has_perm(EVALUATE_PERM)
    if can_evaluate and form is None and chosen is not None:
        form = EvaluateForm(initial={"review": chosen.pk, "seed": current.draw_seed if current else ""})
    context = {
        "movement": movement,
        "reviews": reviews,
        "review": chosen,
        "evaluation": current,
        "collective_gates": [c for c in gates if c.subject == "collective"],
        "individual_gates": [c for c in gates if c.subject == "individual"],
        "boards": boards,
        "groups": groups,
        "rounds": list(movement.award_rounds.select_related("award_form", "review"))
        if request.user.has_perm("emulation.view_awardround")
        else [],
        "form": form if can_evaluate else None,
        "error": error,
    }
    return render(request, "emulation/staff/movement.html", context, status=status)


@login_required
def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    return _movement_page(request, pk)


@login_required
@require_POST
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, EVALUATE_PERM)
    movement = selectors.movement_get(request.user, pk)
    form = EvaluateForm(request.POST)
    if not form.is_valid():
        return _movement_page(request, pk, form=form, error=form.errors, status=400)
    review = movement.reviews.filter(pk=form.cleaned_data["review"]).first()
    if review is None:
        raise Http404
    try:
        evaluation.review_evaluate(
            actor=request.user,
            review=review,
            seed=form.cleaned_data["seed"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        return _movement_page(request, pk, form=form, error=exc.messages, status=400)
    return redirect(f"{reverse('emulation:movement', args=[movement.pk])}?dot={review.pk}")


@login_required
def participant(
    request: HttpRequest, evaluation_pk: int, agency_pk: int | None = None, official_pk: int | None = None
) -> HttpResponse:
    _require(request, VIEW_PERM)
    ev, standing, results, rows = selectors.participant(
        request.user, evaluation_pk, agency_pk=agency_pk, official_pk=official_pk
    )
    return render(
        request,
        "emulation/staff/participant.html",
        {"evaluation": ev, "standing": standing, "results": results, "rows": rows},
    )


# --- Registers -----------------------------------------------------------------------------------


def _initiative_kwargs(d: dict[str, Any]) -> dict[str, Any]:
    return {**d, "authors": list(d.get("authors", []))}


# register: (title, model name, form, list selector, service, kwargs from cleaned data)
Register = tuple[Any, str, type, Callable, Callable, Callable[[dict[str, Any]], dict[str, Any]]]
REGISTERS: dict[str, Register] = {
    "initiatives": (
        _("Sáng kiến, mô hình, giải pháp"), "initiative", InitiativeForm, selectors.initiatives,
        services.initiative_create, _initiative_kwargs,
    ),
    "ratings": (
        _("Xếp loại chất lượng hằng năm"), "annualrating", AnnualRatingForm, selectors.annual_ratings,
        services.annual_rating_record, dict,
    ),
    "discipline": (
        _("Kỷ luật cán bộ, công chức"), "disciplinecase", DisciplineCaseForm, selectors.discipline_cases,
        services.discipline_case_record, dict,
    ),
    "verifications": (
        _("Thanh tra, kiểm tra, xác minh đang mở"), "verification", VerificationForm, selectors.verifications,
        services.verification_open, dict,
    ),
    "par": (
        _("Chỉ số cải cách hành chính (PAR Index)"), "parindexresult", ParIndexForm,
        selectors.par_index_results, services.par_index_record, dict,
    ),
    "tasks": (
        _("Kết quả thực hiện nhiệm vụ"), "taskcompletion", TaskCompletionForm, selectors.task_completions,
        services.task_completion_record, dict,
    ),
}  # fmt: skip


@login_required
def register(request: HttpRequest, name: str) -> HttpResponse:
    title, model, form_class, rows_of, service, kwargs_of = REGISTERS[name]
    _require(request, f"emulation.view_{model}")
    can_add = request.user.has_perm(f"emulation.add_{model}")
    form = None
    status = 200
    if can_add:
        scope = {"agencies": selectors.agencies_in_scope(request.user),
                 "officials": selectors.officials_in_scope(request.user)}  # fmt: skip
        form = form_class(request.POST or None, request.FILES or None, **scope)
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                service(actor=request.user, **kwargs_of(data))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(request.path)
        status = 400
    page = Paginator(rows_of(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        f"emulation/staff/register_{name}.html",
        {"title": title, "page": page, "form": form, "name": name},
        status=status,
    )
