"""Rows of the public evidence lists and their exports: what may be shown, and nothing more.

A public list shows the dossier code, procedure, unit, dates and punctuality; PAKN items by code,
agency, dates and state; ratings by the dossier's code, the channel and the date. Never the
applicant, the sender, the rating level of a person, or any personal data (NĐ 13/2023/NĐ-CP;
DOMAIN.md §6.6, §7.4). Each kind is a list of columns over a queryset prepared with
``select_related``/``only``, so a page costs a fixed number of queries and an export streams.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minhbach.units.models import Agency

EXPORT_CHUNK = 2000


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _day(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def punctuality(row: Any, end: dt.date) -> str:
    """The dossier's standing for the period ending ``end`` (the rules of ``facts``, §5.6)."""
    if not getattr(row, "f_counted", False):
        return str(gettext_lazy("Không tính (rút hoặc chưa tính hạn)"))
    if row.f_end_day is not None and row.f_end_day <= end:
        return str(gettext_lazy("Đúng hạn")) if row.f_ended_ok else str(gettext_lazy("Trễ hạn"))
    if row.f_overdue_from is not None and row.f_overdue_from <= end:
        return str(gettext_lazy("Đang quá hạn"))
    return str(gettext_lazy("Đang trong hạn"))


@dataclasses.dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Any], str]


def _unit_name(agency: Agency | None) -> str:
    return agency.name if agency else ""


def dossier_columns(end: dt.date | None) -> list[Column]:
    columns = [
        Column(gettext_lazy("Mã hồ sơ"), lambda d: d.code or "—"),
        Column(gettext_lazy("Thủ tục"), lambda d: d.procedure_version.procedure.name),
        Column(
            gettext_lazy("Đơn vị giải quyết"), lambda d: _unit_name(d.handling_agency or d.receiving_agency)
        ),
        Column(gettext_lazy("Tiếp nhận"), lambda d: _local(d.accepted_at)),
        Column(gettext_lazy("Hạn giải quyết"), lambda d: _local(d.effective_due_at)),
        Column(gettext_lazy("Kết thúc"), lambda d: _local(d.finished_at or d.returned_at or d.ended_at)),
        Column(gettext_lazy("Trả kết quả"), lambda d: _local(d.returned_at)),
        Column(gettext_lazy("Trạng thái"), lambda d: d.get_status_display()),
    ]
    if end is not None:
        columns.append(Column(gettext_lazy("Đúng hạn / trễ hạn"), lambda d: punctuality(d, end)))
    return columns


PUBLICATION_COLUMNS = [
    Column(gettext_lazy("Tiêu đề"), lambda p: p.title),
    Column(gettext_lazy("Cơ quan"), lambda p: p.agency.name),
    Column(gettext_lazy("Hạn công khai"), lambda p: _day(p.due_at)),
    Column(gettext_lazy("Công khai lúc"), lambda p: _local(p.published_at)),
]


def _listing_status(assignment: Any) -> str:
    from minhbach.procedures.coverage import Status

    value = getattr(assignment, "status", "")
    return str(Status(value).label) if value in Status.values else ""


ASSIGNMENT_COLUMNS = [
    Column(gettext_lazy("Mã thủ tục"), lambda a: a.procedure.code),
    Column(gettext_lazy("Thủ tục"), lambda a: a.procedure.name),
    Column(gettext_lazy("Đơn vị"), lambda a: a.agency.name),
    Column(gettext_lazy("Tình trạng niêm yết"), _listing_status),
]
FEEDBACK_COLUMNS = [
    Column(gettext_lazy("Mã PAKN"), lambda f: f.code),
    Column(gettext_lazy("Cơ quan"), lambda f: f.agency.name),
    Column(gettext_lazy("Tiếp nhận"), lambda f: _local(f.received_at)),
    Column(gettext_lazy("Trạng thái"), lambda f: f.get_state_display()),
    Column(gettext_lazy("Công khai lúc"), lambda f: _local(f.published_at)),
]
RATING_COLUMNS = [
    Column(gettext_lazy("Mã hồ sơ"), lambda r: r.dossier.code or "—"),
    Column(gettext_lazy("Thủ tục"), lambda r: r.dossier.procedure_version.procedure.name),
    Column(
        gettext_lazy("Đơn vị"), lambda r: _unit_name(r.dossier.handling_agency or r.dossier.receiving_agency)
    ),
    Column(gettext_lazy("Kênh đánh giá"), lambda r: r.get_channel_display()),
    Column(gettext_lazy("Thời điểm"), lambda r: _local(r.created_at)),
]

DOSSIER_FIELDS = (
    "code",
    "status",
    "accepted_at",
    "effective_due_at",
    "finished_at",
    "returned_at",
    "ended_at",
    "procedure_version",
    "procedure_version__procedure",
    "procedure_version__procedure__name",
    "handling_agency",
    "handling_agency__name",
    "receiving_agency",
    "receiving_agency__name",
)


def prepare(kind: str, qs: QuerySet, end: dt.date | None = None) -> tuple[QuerySet, list[Column]]:
    """The queryset restricted to the public fields, with the columns to show.

    ``end`` adds the punctuality column to a dossier list (the queryset must carry the facts).
    """
    if kind == "dossier":
        qs = qs.select_related("procedure_version__procedure", "handling_agency", "receiving_agency").only(
            *DOSSIER_FIELDS
        )
        return qs.order_by("accepted_at", "pk"), dossier_columns(end)
    if kind == "publication":
        return qs.select_related("agency").order_by("due_at", "pk"), PUBLICATION_COLUMNS
    if kind == "assignment":
        return qs.select_related("procedure", "agency").order_by(
            "agency__path", "procedure__code"
        ), ASSIGNMENT_COLUMNS
    if kind == "feedback":
        return (
            qs.select_related("agency")
            .only("code", "agency", "agency__name", "received_at", "state", "published_at")
            .order_by("received_at", "pk"),
            FEEDBACK_COLUMNS,
        )
    if kind == "rating":
        return (
            qs.select_related(
                "dossier__procedure_version__procedure",
                "dossier__handling_agency",
                "dossier__receiving_agency",
            )
            .only(
                "channel",
                "created_at",
                "dossier",
                "dossier__code",
                "dossier__procedure_version",
                "dossier__procedure_version__procedure",
                "dossier__procedure_version__procedure__name",
                "dossier__handling_agency",
                "dossier__handling_agency__name",
                "dossier__receiving_agency",
                "dossier__receiving_agency__name",
            )
            .order_by("created_at", "pk"),
            RATING_COLUMNS,
        )
    raise ValueError(kind)


def rows(objects: Iterable[Any], columns: list[Column]) -> Iterator[list[str]]:
    for obj in objects:
        yield [column.value(obj) for column in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(qs: QuerySet, columns: list[Column]) -> Iterator[str]:
    """CSV text, line by line, reading the rows in chunks (for ``StreamingHttpResponse``)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 with a BOM correctly
    yield writer.writerow([str(c.header) for c in columns])
    for row in rows(qs.iterator(chunk_size=EXPORT_CHUNK), columns):
        yield writer.writerow(row)


def xlsx_bytes(qs: QuerySet, columns: list[Column], title: str) -> bytes:
    """A write-only workbook (constant memory per row) of the same rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or _("Danh sách"))[:31])
    sheet.append([str(c.header) for c in columns])
    for row in rows(qs.iterator(chunk_size=EXPORT_CHUNK), columns):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
