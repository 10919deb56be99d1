"""Sổ theo dõi hồ sơ (Mẫu 06, TT 01/2018/TT-VPCP; Mẫu 07 of TT 03/2025/TT-VPCP).

The register lists the dossiers a desk received (accepted) in a period, one row each, with the
dates of the whole round trip. It may be kept electronically (TT 01/2018 Điều 12), so it is
built from the dossiers themselves, not stored: one query for any number of rows (the transfer
date is a subquery on the dossier's events), streamed row by row into the PDF table or into an
openpyxl write-only workbook, so a year of a busy desk stays within memory.

The register shows the applicant's address and phone: it is a back-office book, served only to
officials whose scope covers the agency.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.dossiers import slips
from minhbach.dossiers.models import Dossier, DossierEvent, Punctuality, Status
from minhbach.units.models import Agency


def headers() -> list[str]:
    return [
        _("STT"),
        _("Mã hồ sơ"),
        _("Tên thủ tục hành chính"),
        _("Số lượng hồ sơ (bộ)"),
        _("Tên cá nhân, tổ chức"),
        _("Địa chỉ, số điện thoại"),
        _("Cơ quan chủ trì giải quyết"),
        _("Ngày, tháng, năm nhận hồ sơ"),
        _("Ngày, tháng, năm hẹn trả kết quả"),
        _("Ngày chuyển hồ sơ đến cơ quan giải quyết"),
        _("Ngày nhận kết quả từ cơ quan giải quyết"),
        _("Ngày trả kết quả"),
        _("Ký nhận"),
        _("Ghi chú"),
    ]


@dataclasses.dataclass(frozen=True)
class RegisterRow:
    number: int
    code: str
    procedure: str
    quantity: int
    applicant: str
    contact: str
    lead_agency: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    transferred_at: dt.datetime | None
    result_received_at: dt.datetime | None
    returned_at: dt.datetime | None
    note: str


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, after


def register_queryset(agency: Agency, start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """Dossiers received by ``agency`` from ``start`` to ``end`` (local dates, both included)."""
    first, after = _bounds(start, end)
    transfer = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), action="transfer")
        .order_by("at", "pk")
        .values("at")[:1]
    )
    return (
        Dossier.objects.filter(receiving_agency=agency, accepted_at__gte=first, accepted_at__lt=after)
        .select_related("procedure_version", "owner", "handling_agency", "receiving_agency")
        .annotate(transferred_at=Subquery(transfer))
        .order_by("accepted_at", "pk")
    )


def _note(dossier: Dossier) -> str:
    parts = [str(Status(dossier.status).label)]
    if dossier.extended_due_at:
        parts.append(
            _("hẹn lại %(date)s") % {"date": timezone.localtime(dossier.extended_due_at).strftime("%d/%m/%Y")}
        )
    if dossier.punctuality:
        parts.append(str(Punctuality(dossier.punctuality).label))
    return "; ".join(parts)


def register_rows(agency: Agency, start: dt.date, end: dt.date) -> Iterator[RegisterRow]:
    """The rows in order, read in chunks from a single query."""
    queryset = register_queryset(agency, start, end)
    for number, dossier in enumerate(queryset.iterator(chunk_size=2000), start=1):
        owner = dossier.owner
        lead = dossier.handling_agency or dossier.receiving_agency
        yield RegisterRow(
            number=number,
            code=dossier.code or "",
            procedure=dossier.procedure_version.name,
            quantity=1,
            applicant=owner.full_name,
            contact=", ".join(p for p in (owner.address, owner.phone) if p),
            lead_agency=lead.name,
            received_at=dossier.accepted_at,
            due_at=dossier.printed_due_at,
            transferred_at=dossier.transferred_at,  # type: ignore[attr-defined]
            result_received_at=dossier.finished_at,
            returned_at=dossier.returned_at,
            note=_note(dossier),
        )


def form_number(on: dt.date) -> str:
    _set, numbers = slips.form_numbering(on)
    return numbers.get("register", "06")


def filename(agency: Agency, start: dt.date, end: dt.date, ext: str) -> str:
    return f"so-theo-doi-{agency.slug}-{start:%Y%m%d}-{end:%Y%m%d}.{ext}"


def render_pdf(agency: Agency, start: dt.date, end: dt.date) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs time on every other request

    html = render_to_string(
        "dossiers/slips/register.html",
        {
            "agency": agency,
            "start": start,
            "end": end,
            "form_number": form_number(end),
            "headers": headers(),
            "rows": register_rows(agency, start, end),
        },
    )
    return HTML(string=html, base_url=settings.PUBLIC_BASE_URL).write_pdf()


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write the local wall-clock time."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


WIDTHS = (6, 22, 48, 8, 26, 34, 28, 17, 17, 14, 14, 14, 10, 30)


def render_xlsx(agency: Agency, start: dt.date, end: dt.date) -> bytes:
    """The register as an Excel workbook, written row by row (openpyxl write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Sổ theo dõi hồ sơ")[:31])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A5"
    bold = Font(bold=True)

    def cell(value, *, font=None, fmt=None):
        c = WriteOnlyCell(sheet, value=value)
        if font:
            c.font = font
        if fmt:
            c.number_format = fmt
        return c

    sheet.append([cell(_("Mẫu số %(n)s") % {"n": form_number(end)}, font=bold)])
    sheet.append([cell(agency.name.upper(), font=bold)])
    sheet.append(
        [
            cell(
                _("SỔ THEO DÕI HỒ SƠ từ ngày %(start)s đến ngày %(end)s")
                % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
                font=bold,
            )
        ]
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    header_cells = []
    for text in headers():
        c = cell(text, font=bold)
        c.alignment = wrap
        header_cells.append(c)
    sheet.append(header_cells)
    moment = "dd/mm/yyyy hh:mm"
    day = "dd/mm/yyyy"
    for row in register_rows(agency, start, end):
        sheet.append(
            [
                row.number,
                row.code,
                row.procedure,
                row.quantity,
                row.applicant,
                row.contact,
                row.lead_agency,
                cell(_naive(row.received_at), fmt=moment),
                cell(_naive(row.due_at), fmt=moment),
                cell(_naive(row.transferred_at), fmt=day),
                cell(_naive(row.result_received_at), fmt=day),
                cell(_naive(row.returned_at), fmt=day),
                None,
                row.note,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
