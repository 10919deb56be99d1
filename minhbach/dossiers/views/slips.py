"""Back-office downloads of the paper forms: a dossier's slips (Mẫu 01–05) and the register (Mẫu 06).

Login is required and everything is looked up through the user's scope: a slip is served to
officials of the dossier's receiving or handling agency (or above them), the register to
officials whose scope covers the desk. Outside the scope the answer is 404, never 403, so the
existence of a dossier never leaks (STYLE.md). These documents carry personal data (address,
phone, email) and are never linked from a public page.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minhbach.accounts import policies
from minhbach.dossiers import register, slips
from minhbach.dossiers.models import Dossier, Slip
from minhbach.procedures.posters import pdf_response
from minhbach.units.models import Agency

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dossiers_in_scope(user) -> QuerySet[Dossier]:
    """Dossiers received or handled by an agency in the user's scope."""
    base = Dossier.objects.all()
    return policies.restrict(base, user, "receiving_agency") | policies.restrict(
        base, user, "handling_agency"
    )


@login_required
@require_GET
def slip_pdf(request: HttpRequest, pk: int, slip_id: int) -> HttpResponse:
    dossier = get_object_or_404(dossiers_in_scope(request.user).values_list("pk", flat=True), pk=pk)
    slip = get_object_or_404(Slip, pk=slip_id, dossier_id=dossier)
    return pdf_response(slips.render_pdf(slip), slips.filename(slip))


def _parse(value: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start_text, end_text = request.GET.get("tu", ""), request.GET.get("den", "")
    start = _parse(start_text) if start_text.strip() else today.replace(day=1)
    end = _parse(end_text) if end_text.strip() else today
    return start, end


def _register(request: HttpRequest, slug: str, ext: str) -> HttpResponse:
    agencies = policies.restrict(Agency.objects.select_related("parent", "administrative_unit"), request.user)
    agency = agencies.filter(slug=slug).first()
    if agency is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    try:
        start, end = _period(request)
    except ValueError:
        return HttpResponseBadRequest(
            _(
                "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2024. "
                "(Invalid date; use day/month/year.)"
            ),
            content_type="text/plain; charset=utf-8",
        )
    if end < start:
        return HttpResponseBadRequest(
            _("Ngày kết thúc phải sau ngày bắt đầu. (The end date must not be before the start date.)"),
            content_type="text/plain; charset=utf-8",
        )
    name = register.filename(agency, start, end, ext)
    if ext == "pdf":
        return pdf_response(register.render_pdf(agency, start, end), name)
    response = HttpResponse(register.render_xlsx(agency, start, end), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def register_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    return _register(request, slug, "pdf")


@login_required
@require_GET
def register_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    return _register(request, slug, "xlsx")
