"""Citizen pages of the procedure catalogue: no login, no personal data.

``/thu-tuc/`` searches and filters; ``/thu-tuc/<code>/`` is the canonical page of a procedure
(the URL a counter QR code opens, NĐ 63/2010/NĐ-CP Điều 17 as amended by NĐ 92/2017/NĐ-CP);
``/thu-tuc/<code>/giay-to/`` is the "what to bring" checklist that prints on one A4 page.
"""

from __future__ import annotations

import dataclasses

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from minhbach.procedures import qr, selectors
from minhbach.procedures.models import Channel, Level, Procedure, ProcedureChannel, ProcedureDocument

PAGE_SIZE = 20
QR_MAX_AGE = 24 * 60 * 60


class ProcedureSearchForm(forms.Form):
    """The search box and filters of ``/thu-tuc/`` (GET, so results can be bookmarked)."""

    q = forms.CharField(
        label=gettext_lazy("Tên thủ tục hoặc từ khóa"),
        required=False,
        max_length=selectors.MAX_QUERY_LENGTH,
        help_text=gettext_lazy("Gõ có dấu hoặc không dấu, ví dụ: dang ky khai sinh"),
    )
    field = forms.ChoiceField(label=gettext_lazy("Lĩnh vực"), required=False)
    level = forms.ChoiceField(
        label=gettext_lazy("Cấp thực hiện"),
        required=False,
        choices=[("", gettext_lazy("Tất cả các cấp")), *Level.choices],
    )
    agency = forms.ChoiceField(label=gettext_lazy("Cơ quan giải quyết"), required=False)
    online = forms.BooleanField(label=gettext_lazy("Chỉ thủ tục nộp trực tuyến được"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("Tất cả lĩnh vực")), *selectors.field_choices()]
        self.fields["agency"].choices = [("", _("Tất cả cơ quan")), *selectors.agency_choices()]
        for name in ("field", "level", "agency"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Giá trị “%(value)s” không có trong danh sách; hãy chọn lại."
            )

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "field": data.get("field") or None,
            "level": data.get("level") or None,
            "agency": data.get("agency") or None,
            "online": True if data.get("online") else None,
        }


@dataclasses.dataclass(frozen=True)
class ChannelRow:
    """One channel of a procedure, in plain language."""

    label: str
    time_limit: str
    fee: str
    channel: ProcedureChannel


def channel_rows(procedure: Procedure) -> list[ChannelRow]:
    version = procedure.current_version
    if version is None:
        return []
    return [
        ChannelRow(
            label=str(channel.get_channel_display()),
            time_limit=selectors.time_limit_label(channel),
            fee=selectors.fee_label(channel),
            channel=channel,
        )
        for channel in version.channels.all()
    ]


def quantity_label(document: ProcedureDocument) -> str:
    """ "1 bản chính, 1 bản sao", or the source text when the counts were not stated."""
    parts = []
    if document.originals:
        parts.append(_("%(n)s bản chính") % {"n": document.originals})
    if document.copies:
        parts.append(_("%(n)s bản sao") % {"n": document.copies})
    return ", ".join(parts) or document.quantity_text or "—"


def document_groups(procedure: Procedure) -> list[tuple[str, list[tuple[ProcedureDocument, str]]]]:
    """Documents grouped by case ("Giấy tờ phải nộp", "Trường hợp ..."), order kept."""
    groups: list[tuple[str, list[tuple[ProcedureDocument, str]]]] = []
    version = procedure.current_version
    for document in version.documents.all() if version else []:
        if not groups or groups[-1][0] != document.group:
            groups.append((document.group, []))
        groups[-1][1].append((document, quantity_label(document)))
    return groups


def handling_units(procedure: Procedure) -> list[dict]:
    """Agencies that handle the procedure today, each with the office contact to use."""
    units, seen = [], set()
    for assignment in procedure.active_assignments:
        if assignment.agency_id in seen:
            continue
        seen.add(assignment.agency_id)
        units.append({"agency": assignment.agency, "contact": selectors.public_contact(assignment.agency)})
    return units


def not_found(request: HttpRequest, message: str = "", *, status: int = 404) -> HttpResponse:
    return render(
        request,
        "procedures/not_found.html",
        {"message": message or _("Không tìm thấy thủ tục hành chính này.")},
        status=status,
    )


@require_safe
def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "procedures/list.html", {"form": form, "page_obj": None}, status=400)
    kwargs = form.search_kwargs() if request.GET else {}
    query = form.cleaned_data.get("q", "") if request.GET else ""
    results = selectors.search_procedures(query, **kwargs)
    paginator = Paginator(results, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage):
        return not_found(request, _("Trang kết quả này không tồn tại."))
    rows = []
    for procedure in page.object_list:
        channel = selectors.primary_channel(procedure)
        rows.append(
            {
                "procedure": procedure,
                "levels": selectors.level_labels(procedure.levels),
                "time_limit": selectors.time_limit_label(channel) if channel else _("Không có thông tin"),
                "fee": selectors.fee_label(channel) if channel else _("Không có thông tin"),
            }
        )
    context = {"form": form, "page_obj": page, "rows": rows, "query": query}
    return render(request, "procedures/list.html", context)


def _public_procedure_or_response(request: HttpRequest, code: str) -> Procedure | HttpResponse:
    procedure = selectors.procedure_detail(code)
    if procedure is None or procedure.current_version is None:
        return not_found(request)
    if not selectors.is_public(procedure):
        # 410: the code existed, and a QR code printed for it may still hang at a counter.
        return not_found(
            request,
            _("Thủ tục “%(name)s” (mã %(code)s) không còn áp dụng.") % {"name": procedure.name, "code": code},
            status=410,
        )
    return procedure


#: Characters of document text from which the checklist prints smaller, then in two columns,
#: to stay on one A4 page. Measured with WeasyPrint (test_public_views): one column at 9.5 pt
#: holds about 3,500 characters, at 8 pt about 4,000, two columns at 7 pt about 7,500. The
#: national records' "Thành phần hồ sơ" is under 3,500 characters for 90 % of procedures and
#: under 6,200 for 95 %; the longest few per cent continue on a second sheet.
CHECKLIST_COMPACT_FROM = 3_000
CHECKLIST_DENSE_FROM = 4_000


def checklist_density(groups: list[tuple[str, list[tuple[ProcedureDocument, str]]]]) -> str:
    size = sum(
        len(group) + sum(len(doc.name) + len(doc.form_template) + 20 for doc, _q in docs)
        for group, docs in groups
    )
    if size >= CHECKLIST_DENSE_FROM:
        return "dense"
    return "compact" if size >= CHECKLIST_COMPACT_FROM else "normal"


def _page_context(procedure: Procedure) -> dict:
    return {
        "procedure": procedure,
        "version": procedure.current_version,
        "levels": selectors.level_labels(procedure.levels),
        "channels": channel_rows(procedure),
        "document_groups": document_groups(procedure),
        "units": handling_units(procedure),
        "online_services": procedure.active_online_services,
        "online_available": procedure.full_online_eligible or bool(procedure.active_online_services),
        # minhbach's own online submission takes dossiers for procedures with an online channel.
        "accepts_online": any(c.channel == Channel.ONLINE for c in procedure.current_version.channels.all()),
        "canonical_url": qr.procedure_url(procedure.code),
    }


@require_safe
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    found = _public_procedure_or_response(request, code)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "procedures/detail.html", _page_context(found))


@require_safe
def procedure_checklist(request: HttpRequest, code: str) -> HttpResponse:
    found = _public_procedure_or_response(request, code)
    if isinstance(found, HttpResponse):
        return found
    context = _page_context(found)
    context["density"] = checklist_density(context["document_groups"])
    return render(request, "procedures/checklist.html", context)


def _qr_response(request: HttpRequest, code: str, *, kind: str) -> HttpResponse:
    if not selectors.procedure_exists(code):
        return not_found(request)
    if kind == "png":
        response = HttpResponse(qr.qr_png(code), content_type="image/png")
    else:
        title = _("Mã QR thủ tục %(code)s") % {"code": code}
        response = HttpResponse(qr.qr_svg(code, title=title), content_type="image/svg+xml")
    # The image depends only on the code and PUBLIC_BASE_URL: cache it for a day anywhere.
    patch_cache_control(response, public=True, max_age=QR_MAX_AGE)
    response["Content-Disposition"] = f'inline; filename="thu-tuc-{code}.{kind}"'
    return response


@require_safe
def procedure_qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    return _qr_response(request, code, kind="svg")


@require_safe
def procedure_qr_png(request: HttpRequest, code: str) -> HttpResponse:
    return _qr_response(request, code, kind="png")
