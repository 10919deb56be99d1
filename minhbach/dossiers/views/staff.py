"""Back office of one-stop dossiers: desk reception, the per-unit queue and the dossier page.

Reads go through ``selectors`` (scoped to the user: a dossier outside the user's units is 404,
never 403); every write goes through ``services``, and a refused move (``TransitionError``)
comes back as the page with the message, status 400 and nothing written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minhbach.core.workdays import engine
from minhbach.dossiers import selectors, services
from minhbach.dossiers.forms import ActionForm, ReceptionForm, ReceptionPickForm
from minhbach.dossiers.models import Dossier, Slip, Status
from minhbach.dossiers.transitions import EXTENSION_STATES, allowed_actions
from minhbach.procedures.models import Channel, FeeLine, Procedure, ProcedureAssignment
from minhbach.procedures.selectors import search_procedures
from minhbach.units.models import Agency

VIEW_PERM = "dossiers.view_dossier"
ADD_PERM = "dossiers.add_dossier"
CHANGE_PERM = "dossiers.change_dossier"
PAGE_SIZE = 50
SEARCH_LIMIT = 30

ACTION_LABELS = {
    "accept": _("Tiếp nhận (in giấy tiếp nhận, hẹn trả)"),
    "request_supplement_before": _("Yêu cầu bổ sung trước khi tiếp nhận"),
    "refuse": _("Từ chối tiếp nhận"),
    "transfer": _("Chuyển cơ quan giải quyết"),
    "hand_over": _("Chuyển bước xử lý"),
    "request_supplement_after": _("Yêu cầu bổ sung (tạm dừng thời hạn)"),
    "complete_supplement": _("Đã nhận đủ hồ sơ bổ sung"),
    "notify_obligation": _("Thông báo thực hiện nghĩa vụ tài chính"),
    "confirm_payment": _("Xác nhận đã nộp phí, thuế"),
    "stop": _("Dừng xử lý"),
    "finish": _("Đã xử lý xong"),
    "return_result": _("Trả kết quả"),
    "withdraw": _("Công dân rút hồ sơ"),
    "extension": _("Xin lỗi và hẹn lại ngày trả (Mẫu 04)"),
}
#: Actions whose service has another name than ``dossier_<action>``.
SERVICE_OF = {"return_result": "dossier_return"}
DANGEROUS = frozenset({"refuse", "stop", "withdraw"})


def due_label(moment) -> str:
    """A due moment as officials read it: an exclusive midnight is "24:00" of the day before.

    Due dates of day-based limits end at 24:00 of the last day (BLDS 2015 Điều 148 khoản 6);
    printing "00:00" of the next day would suggest one more day.
    """
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    if local.time() == dt.time(0):
        return f"24:00 {local.date() - dt.timedelta(days=1):%d/%m/%Y}"
    return f"{local:%H:%M %d/%m/%Y}"


def _require(request: HttpRequest, *perms: str) -> None:
    if not all(request.user.has_perm(p) for p in perms):
        raise Http404


# --- Reception ----------------------------------------------------------------------------


def _default_channel(channels: list[int]) -> int | None:
    return Channel.IN_PERSON if Channel.IN_PERSON in channels else (channels[0] if channels else None)


def _reception_context(request: HttpRequest, params) -> dict[str, Any]:
    desks = list(selectors.reception_desks(request.user))
    if not desks:
        raise Http404
    slug = params.get("don_vi") or desks[0].slug
    desk = next((d for d in desks if d.slug == slug), None)
    if desk is None:
        raise Http404
    query = (params.get("q") or "").strip()
    assigned = search_procedures(query, agency=desk.slug)
    found = list(assigned[:SEARCH_LIMIT])
    # "Tìm" (or Enter in the search box) starts a new search: the previous choice is dropped and
    # a single match is chosen at once, so the officer can go straight on to the applicant.
    searching = bool(params.get("tim"))
    chosen = "" if searching else params.get("thu_tuc", "")
    code = chosen or (found[0].code if query and len(found) == 1 else "")
    procedure = None
    if code:
        procedure = (
            Procedure.objects.filter(pk__in=assigned.values("pk"), code=code)
            .select_related("current_version")
            .first()
        )
        if procedure is not None and all(p.code != code for p in found):
            found.insert(0, procedure)
    pick = ReceptionPickForm(
        {"don_vi": desk.slug, "q": query, "thu_tuc": procedure.code if procedure else ""},
        desks=[(d.slug, d.name) for d in desks],
        procedures=[(p.code, f"{p.code} — {p.name}") for p in found],
    )
    pick.is_valid()
    if found and procedure is None:
        pick.fields["thu_tuc"].widget.attrs["autofocus"] = True  # several matches: pick one next
    context: dict[str, Any] = {
        "desk": desk,
        "pick": pick,
        "procedure": procedure,
        "query": query,
        "found": found,
    }
    if procedure is not None and procedure.current_version is not None:
        version = procedure.current_version
        channels = sorted({c.channel for c in version.channels.all()})
        default = _default_channel(channels)
        fee_lines = [
            (f.name, f.amount_vnd)
            for f in FeeLine.objects.filter(channel__version=version, channel__channel=default).order_by("pk")
        ]
        context.update(
            version=version,
            form_kwargs={
                "documents": list(version.documents.order_by("order", "pk")),
                "fee_lines": fee_lines,
                "channels": channels,
            },
            default_channel=default,
        )
    return context


@login_required
def reception(request: HttpRequest) -> HttpResponse:
    """One screen for the counter: desk, procedure, channel, checklist, applicant, fees.

    "Tiếp nhận" registers and accepts (status 1 → 2, Mẫu 01); "Yêu cầu bổ sung" registers and
    asks for the unticked documents before acceptance (1 → 5, Mẫu 02). Both in one transaction.
    """
    _require(request, VIEW_PERM, ADD_PERM, CHANGE_PERM)
    params = request.POST if request.method == "POST" else request.GET
    context = _reception_context(request, params)
    if "version" not in context:
        if request.method == "POST":
            messages.error(
                request, gettext("Chưa chọn thủ tục, hoặc thủ tục không do nơi tiếp nhận này giải quyết.")
            )
            return render(request, "dossiers/staff/reception.html", context, status=400)
        return render(request, "dossiers/staff/reception.html", context)
    if request.method != "POST":
        context["form"] = ReceptionForm(
            initial={"channel": context["default_channel"]}, **context["form_kwargs"]
        )
        return render(request, "dossiers/staff/reception.html", context)

    form = ReceptionForm(request.POST, **context["form_kwargs"])
    context["form"] = form
    if form.is_valid():
        try:
            dossier = _receive(request, form, context)
        except ValidationError as exc:  # TransitionError or the applicant's own checks
            for message in exc.messages:
                form.add_error(None, message)
        else:
            if dossier.status == Status.ACCEPTED:
                text = gettext("Đã tiếp nhận hồ sơ %(code)s, hẹn trả %(due)s.") % {
                    "code": dossier.code,
                    "due": timezone.localtime(dossier.printed_due_at).strftime("%H:%M %d/%m/%Y")
                    if dossier.printed_due_at
                    else gettext("(thủ tục không quy định thời hạn)"),
                }
            else:
                text = gettext("Đã lập phiếu yêu cầu bổ sung cho hồ sơ %(code)s.") % {
                    "code": dossier.code or f"#{dossier.pk}"
                }
            messages.success(request, text)
            return redirect("dossiers:detail", pk=dossier.pk)
    return render(request, "dossiers/staff/reception.html", context, status=400)


def _receive(request: HttpRequest, form: ReceptionForm, context: dict[str, Any]) -> Dossier:
    data = form.cleaned_data
    with transaction.atomic():
        dossier = services.dossier_register(
            actor=request.user,
            procedure_version=context["version"],
            channel=data["channel"],
            receiving_agency=context["desk"],
            owner=form.owner(),
            subject=data["subject"].strip(),
            documents=form.submitted_documents(),
            fees=form.fee_charges(),
        )
        if data["action"] == ReceptionForm.ACCEPT:
            return services.dossier_accept(actor=request.user, dossier=dossier)
        services.dossier_request_supplement(
            actor=request.user,
            dossier=dossier,
            items=form.supplement_items(),
            reason=data["supplement_reason"],
        )
        dossier.refresh_from_db()
        return dossier


# --- Queue --------------------------------------------------------------------------------


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Dossiers of the units in scope, most urgent first, with counters and highlighting."""
    _require(request, VIEW_PERM)
    agencies = list(selectors.queue_agencies(request.user))
    slug = request.GET.get("don-vi", "")
    agency = next((a for a in agencies if a.slug == slug), None) if slug else None
    if slug and agency is None:
        raise Http404
    status = _int_or_none(request.GET.get("trang-thai"))
    if status not in Status.values:
        status = None
    due = request.GET.get("han", "")
    if due not in selectors.DUE_FILTERS:
        due = ""
    result = selectors.queue(request.user, agency=agency, status=status, due=due)
    page = Paginator(result.rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    for row in page.object_list:
        row.due_label = due_label(row.effective_due_at)
    counters = [
        {"value": value, "label": label, "count": result.counters[f"s{value}"]}
        for value, label in Status.choices
    ]
    base_params = {"don-vi": slug} if slug else {}
    context = {
        "agencies": agencies,
        "agency": agency,
        "status": status,
        "due": due,
        "page": page,
        "counters": counters,
        "totals": result.counters,
        "window": result.window,
        "base_params": base_params,
        "now": result.window.now,
        "can_receive": request.user.has_perm(ADD_PERM) and request.user.has_perm(CHANGE_PERM),
    }
    return render(request, "dossiers/staff/queue.html", context)


# --- Dossier page -------------------------------------------------------------------------


def _dossier_or_404(request: HttpRequest, pk: int) -> Dossier:
    dossier = selectors.dossier_for(request.user, pk)
    if dossier is None:
        raise Http404
    return dossier


def _transfer_targets(dossier: Dossier) -> list[Agency]:
    """Where a dossier may go: offices assigned its procedure today (not desks), and the desk's parent."""
    today = timezone.localdate()
    assigned = ProcedureAssignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        procedure_id=dossier.procedure_version.procedure_id,
        valid_from__lte=today,
    ).values("agency_id")
    parent = dossier.receiving_agency.parent_id
    handlers = Q(pk__in=assigned) & ~Q(kind=Agency.Kind.ONE_STOP_DESK)
    current = Q(pk=parent or 0) | Q(pk=dossier.handling_agency_id or 0)
    return list(
        Agency.objects.filter(handlers | current).exclude(pk=dossier.receiving_agency_id).order_by("name")
    )


def _available_actions(dossier: Dossier) -> list[str]:
    names = allowed_actions(dossier.status, dossier.stage)
    if (dossier.status, dossier.stage) in EXTENSION_STATES and selectors.extension_of(dossier) is None:
        names.append("extension")
    return names


def _slip_url(dossier: Dossier, slip: Slip) -> str | None:
    try:
        return reverse("slips:slip-pdf", args=[dossier.pk, slip.pk])
    except NoReverseMatch:
        return None


def _detail_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    failed: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_change = request.user.has_perm(CHANGE_PERM)
    actions = []
    if can_change:
        names = _available_actions(dossier)
        targets = _transfer_targets(dossier) if {"transfer", "hand_over"} & set(names) else []
        choices = [(a.slug, a.name) for a in targets]
        for name in names:
            form = (
                failed
                if failed is not None and failed.action == name
                else ActionForm(action=name, agencies=choices, initial={"lock_version": dossier.lock_version})
            )
            actions.append(
                {"name": name, "label": ACTION_LABELS[name], "form": form, "danger": name in DANGEROUS}
            )
    slips = [{"slip": slip, "url": _slip_url(dossier, slip)} for slip in dossier.slips.all()]
    context = {
        "dossier": dossier,
        "procedure": dossier.procedure_version.procedure,
        "version": dossier.procedure_version,
        "documents": dossier.documents.all(),
        "fees": dossier.fees.all(),
        "steps": dossier.steps.all(),
        "events": dossier.events.all(),
        "supplements": dossier.supplement_requests.all(),
        "extension": selectors.extension_of(dossier),
        "ledger": selectors.ledger_entries(dossier),
        "trace": selectors.deadline_explanation(dossier),
        "slips": slips,
        "receipt": next((s for s in slips if s["slip"].role == Slip.Role.RECEIPT), None),
        "actions": actions,
        "now": timezone.now(),
        "due": {
            "original": due_label(dossier.original_due_at),
            "effective": due_label(dossier.effective_due_at),
            "extended": due_label(dossier.extended_due_at),
        },
    }
    return render(request, "dossiers/staff/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one dossier, its deadline explanation, timeline, ledger and actions."""
    _require(request, VIEW_PERM)
    return _detail_page(request, _dossier_or_404(request, pk))


def _perform(request: HttpRequest, dossier: Dossier, form: ActionForm, agencies: list[Agency]) -> None:
    data = form.cleaned_data
    common = {"actor": request.user, "dossier": dossier, "lock_version": data["lock_version"]}
    action = form.action
    if action == "accept":
        services.dossier_accept(**common)
    elif action in ("request_supplement_before", "request_supplement_after"):
        services.dossier_request_supplement(**common, items=form.supplement_items(), reason=data["reason"])
    elif action == "complete_supplement":
        services.dossier_complete_supplement(**common)
    elif action == "extension":
        # The new date is a whole day: due at its 24:00 (BLDS 2015 Điều 148 khoản 6).
        services.dossier_issue_extension(
            **common, reason=data["reason"], new_due_at=engine.end_of_day(data["new_due_on"])
        )
    else:
        slug = data.get("agency") or ""
        agency = next((a for a in agencies if a.slug == slug), None)
        service = getattr(services, SERVICE_OF.get(action, f"dossier_{action}"))
        service(**common, reason=data.get("reason") or "", agency=agency)


@login_required
@require_POST
def action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one transition through its service; refused → the page again, 400, nothing written."""
    _require(request, VIEW_PERM, CHANGE_PERM)
    dossier = _dossier_or_404(request, pk)
    if name not in ACTION_LABELS:
        raise Http404
    agencies = _transfer_targets(dossier) if name in ("transfer", "hand_over") else []
    form = ActionForm(request.POST, action=name, agencies=[(a.slug, a.name) for a in agencies])
    if not form.is_valid():
        messages.error(request, gettext("Chưa thực hiện được: hãy kiểm tra các ô được đánh dấu."))
        return _detail_page(request, dossier, failed=form, status=400)
    try:
        _perform(request, dossier, form, agencies)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _detail_page(request, _dossier_or_404(request, pk), status=400)
    messages.success(request, gettext("Đã thực hiện: %(action)s.") % {"action": ACTION_LABELS[name]})
    return redirect("dossiers:detail", pk=pk)
