"""Back office of the standing body (Phòng Nội vụ): movements, reviews, groups and registrations.

Each page is gated by a model permission of the ``secretariat`` role and scoped by unit (404 out
of scope or without the permission). Writes go through ``services``; a refused write comes back
as the same page with the Vietnamese message, status 400, nothing written.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minhbach.emulation import selectors, services
from minhbach.emulation.forms import GroupForm, MovementForm, NoteForm, RegistrationForm, ReviewForm
from minhbach.emulation.models import Registration
from minhbach.emulation.transitions import allowed_actions
from minhbach.emulation.views.staff import VIEW_PERM, _require


def _form_page(request, *, title, form, back, status=200, intro="") -> HttpResponse:
    return render(
        request,
        "emulation/staff/form.html",
        {"title": title, "form": form, "back": back, "intro": intro},
        status=status,
    )


@login_required
def movement_create(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_PERM, "emulation.add_movement")
    form = MovementForm(request.POST or None, agencies=selectors.agencies_in_scope(request.user))
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                movement = services.movement_create(actor=request.user, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("emulation:movement", movement.pk)
        return _form_page(
            request,
            title=_("Tạo phong trào thi đua"),
            form=form,
            back=reverse("emulation:movements"),
            status=400,
        )
    return _form_page(
        request, title=_("Tạo phong trào thi đua"), form=form, back=reverse("emulation:movements")
    )


@login_required
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, "emulation.add_review")
    movement = selectors.movement_get(request.user, pk)
    form = ReviewForm(request.POST or None)
    back = reverse("emulation:movement", args=[movement.pk])
    title = _("Thêm đợt sơ kết, tổng kết")
    if request.method == "POST":
        if form.is_valid():
            try:
                review = services.review_create(actor=request.user, movement=movement, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(f"{back}?dot={review.pk}")
        return _form_page(request, title=title, form=form, back=back, status=400)
    return _form_page(request, title=title, form=form, back=back)


@login_required
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    movement = selectors.movement_get(request.user, pk)
    can_add = request.user.has_perm("emulation.add_emulationgroup")
    form = (
        GroupForm(request.POST or None, agencies=selectors.agencies_in_scope(request.user))
        if can_add
        else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["members"] = list(data["members"])
            try:
                services.group_create(actor=request.user, movement=movement, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(request.path)
        status = 400
    rows = movement.groups.select_related("head_unit", "deputy_unit").prefetch_related("members__agency")
    return render(
        request,
        "emulation/staff/groups.html",
        {"movement": movement, "groups": rows, "form": form},
        status=status,
    )


@login_required
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    movement = selectors.movement_get(request.user, pk)
    can_add = request.user.has_perm("emulation.add_registration")
    form = None
    status = 200
    if can_add:
        form = RegistrationForm(
            request.POST or None,
            agencies=selectors.agencies_in_scope(request.user),
            officials=selectors.officials_in_scope(request.user),
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["officials"] = list(data["officials"])
            try:
                services.registration_create(actor=request.user, movement=movement, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(request.path)
        status = 400
    rows = [
        (r, allowed_actions(r.state) if request.user.has_perm("emulation.change_registration") else [])
        for r in selectors.registrations(movement)
    ]
    return render(
        request,
        "emulation/staff/registrations.html",
        {"movement": movement, "rows": rows, "form": form, "note_form": NoteForm(), "error": None},
        status=status,
    )


ACTIONS = {
    "submit": services.registration_submit,
    "approve": services.registration_approve,
    "return": services.registration_return,
}


@login_required
@require_POST
def registration_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require(request, VIEW_PERM, "emulation.change_registration")
    if action not in ACTIONS:
        raise Http404
    registration = (
        Registration.objects.select_related("movement")
        .filter(pk=pk, movement__in=selectors.movements(request.user))
        .first()
    )
    if registration is None:
        raise Http404
    kwargs = {"note": request.POST.get("note", "")} if action == "return" else {}
    try:
        ACTIONS[action](actor=request.user, registration=registration, **kwargs)
    except ValidationError as exc:
        movement = registration.movement
        rows = [(r, allowed_actions(r.state)) for r in selectors.registrations(movement)]
        return render(
            request,
            "emulation/staff/registrations.html",
            {
                "movement": movement,
                "rows": rows,
                "form": None,
                "note_form": NoteForm(),
                "error": exc.messages,
            },
            status=400,
        )
    return redirect("emulation:registrations", registration.movement_id)
