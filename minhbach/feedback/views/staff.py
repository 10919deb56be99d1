"""Back office of feedback: desk entry, the scoped queue with SLA highlighting, and the item page.

Out-of-scope items and missing permissions answer 404 (never 403). Every write goes through
``services``; a refused move comes back as the page with the message, status 400, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minhbach.accounts.policies import restrict
from minhbach.feedback import selectors, services, sla
from minhbach.feedback.forms import (
    AnswerForm,
    DeskForm,
    ForwardForm,
    NoteForm,
    PublishForm,
    SubstantiatedForm,
)
from minhbach.feedback.models import Category, State
from minhbach.feedback.transitions import allowed_actions
from minhbach.units.models import Agency

VIEW_PERM = "feedback.view_feedback"
ADD_PERM = "feedback.add_feedback"
CHANGE_PERM = "feedback.change_feedback"
APPROVE_PERM = "feedback.approve_feedback"
PAGE_SIZE = 50


def _require(request: HttpRequest, *perms: str) -> None:
    if not all(request.user.has_perm(p) for p in perms):
        raise Http404


def _note(data: dict[str, Any]) -> dict[str, Any]:
    return {"note": data.get("note", "")}


# action: (label, form, permission, keyword arguments of the service from the cleaned data)
ACTIONS: dict[str, tuple[Any, type, str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "start_handling": (_("Bắt đầu xử lý"), NoteForm, CHANGE_PERM, lambda d: {}),
    "request_info": (_("Yêu cầu bổ sung thông tin (tạm dừng thời hạn)"), NoteForm, CHANGE_PERM, _note),
    "info_received": (_("Đã nhận thông tin bổ sung"), NoteForm, CHANGE_PERM, _note),
    "refuse": (_("Từ chối, trả lại"), NoteForm, CHANGE_PERM, lambda d: {"reason": d.get("note", "")}),
    "forward": (_("Chuyển cơ quan có thẩm quyền"), ForwardForm, CHANGE_PERM,
                lambda d: {"to_agency": d["to_agency"], "note": d.get("note", "")}),
    "submit_answer": (_("Trình duyệt câu trả lời"), AnswerForm, CHANGE_PERM,
                      lambda d: {"answer": d["answer"]}),
    "approve": (_("Duyệt câu trả lời"), NoteForm, APPROVE_PERM, lambda d: {}),
    "return_for_rework": (_("Trả lại để chỉnh sửa"), NoteForm, APPROVE_PERM, _note),
    "publish": (_("Công khai"), PublishForm, APPROVE_PERM,
                lambda d: {"question_redacted": d["question_redacted"], "answer": d["answer"]}),
    "reopen": (_("Ghi nhận phản ánh lại về kết quả"), NoteForm, CHANGE_PERM, _note),
    "set_substantiated": (_("Kết quả xác minh hành vi"), SubstantiatedForm, CHANGE_PERM,
                          lambda d: {"value": d["value"], "note": d.get("note", "")}),
}  # fmt: skip


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_PERM)
    state = request.GET.get("trang-thai", "")
    page = Paginator(selectors.staff_queue(request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    ctx = sla.Context()
    rows = [(item, sla.worst(sla.status_of(item, ctx=ctx))) for item in page]
    return render(
        request,
        "feedback/staff/queue.html",
        {
            "page": page,
            "rows": rows,
            "states": State.choices,
            "state": state,
            "can_add": request.user.has_perm(ADD_PERM),
        },
    )


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    _require(request, ADD_PERM)
    agencies = restrict(Agency.objects.order_by("name"), request.user)
    form = DeskForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.feedback_receive(
                actor=request.user, agency=data["agency"], channel=data["channel"], category=data["category"],
                text=data["text"], out_of_scope=data["out_of_scope"],
                sender=services.Sender(name=data["name"], address=data["address"], phone=data["phone"],
                                       email=data["email"], kind=data["kind"], anonymous=data["anonymous"]),
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("feedback:detail", pk=item.pk)
    return render(request, "feedback/staff/receive.html", {"form": form}, status=400 if form.errors else 200)


def _forms(request: HttpRequest, item) -> list[tuple[str, Any, Any]]:
    names = allowed_actions(item.state)
    if item.category == Category.CONDUCT:
        names.append("set_substantiated")
    result = []
    for name in names:
        label, form_class, perm, _kwargs = ACTIONS[name]
        if not request.user.has_perm(perm):
            continue
        initial = {}
        if name == "publish":
            initial = {"question_redacted": services.suggest_redaction(item), "answer": item.answer}
        if name == "submit_answer":
            initial = {"answer": item.answer}
        result.append((name, label, form_class(initial=initial, prefix=name)))
    return result


def _detail_page(request: HttpRequest, item, *, error: Any = None, status: int = 200) -> HttpResponse:
    context = {
        "item": item,
        "timers": sla.status_of(item).values(),
        "forward_timer": sla.forward_timer(item),
        "follow_ups": item.follow_ups.all(),
        "events": item.events.select_related("actor", "agency"),
        "forms": _forms(request, item),
        "error": error,
    }
    return render(request, "feedback/staff/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    return _detail_page(request, selectors.staff_get(request.user, pk))


@login_required
@require_POST
def action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    _require(request, VIEW_PERM)
    item = selectors.staff_get(request.user, pk)
    if name not in ACTIONS:
        raise Http404
    _label, form_class, perm, kwargs_of = ACTIONS[name]
    _require(request, perm)
    form = form_class(request.POST, prefix=name)
    if not form.is_valid():
        return _detail_page(request, item, error=form.errors, status=400)
    kwargs = kwargs_of(form.cleaned_data)
    service = getattr(services, f"feedback_{name}")
    try:
        service(actor=request.user, feedback=item, **kwargs)
    except ValidationError as exc:
        return _detail_page(request, item, error=exc.messages, status=400)
    return redirect("feedback:detail", pk=item.pk)
