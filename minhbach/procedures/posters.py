"""Counter posters: the A4 list of a unit's procedures with a QR code for each (DOMAIN.md §4.4).

A QR code at the counter that opens the procedure's record is an electronic form of listing
under NĐ 63/2010/NĐ-CP Điều 17 khoản (b) (as amended by NĐ 92/2017/NĐ-CP); the printed name,
time limit and fee beside it are the paper form. A printed poster is therefore recorded as
medium ``both`` for every procedure on it, with the version in force that it shows.

The layout follows the administrative style of NĐ 30/2020/NĐ-CP (national motto at the top
right, the issuing body at the top left). The font is DejaVu Serif, a system font that carries
every precomposed Vietnamese letter, so the PDF embeds one real font and needs no download.
Times New Roman, which NĐ 30/2020 prescribes, is often missing on Linux servers, and its usual
metric alias (Liberation Serif) lacks the letters with two marks (ộ, ữ, ệ): the renderer would
then take those letters alone from another font, and words would print in two typefaces.

Each QR symbol is printed 3.2 cm wide with a 2-module quiet zone: the symbol itself measures at
least 2.8 cm for the URLs used (versions 3–4), readable by a phone camera at 40 cm.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.procedures import coverage, listing
from minhbach.procedures.models import (
    Channel,
    ProcedureChannel,
    ProcedureListing,
    ProcedureVersion,
    TimeUnit,
)
from minhbach.procedures.qr import procedure_qr, procedure_url
from minhbach.units.models import Agency

QR_SIZE_CM = Decimal("3.2")
QR_BORDER = 2
UNIT_PREFIXES = ("Thị trấn ", "Thành phố ", "Phường ", "Huyện ", "Tỉnh ", "Quận ", "Thị xã ", "Xã ")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


def qr_data_uri(code: str) -> str:
    """The same QR code as the procedure page's (``qr.procedure_qr``), as an inline SVG."""
    return procedure_qr(code).svg_data_uri(scale=1, border=QR_BORDER)


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def time_limit_label(channel: ProcedureChannel | None) -> str:
    """ "3 ngày làm việc", "Trong ngày", or the source text when no value was stated."""
    if channel is None:
        return _("Chưa có thông tin")
    unit = channel.time_limit_unit
    if unit == TimeUnit.SAME_DAY:
        return _("Trong ngày")
    if unit == TimeUnit.UNSPECIFIED or channel.time_limit_value is None:
        text = channel.time_limit_text.strip()
        if text and text.lower() not in {"không có thông tin", "không quy định"} and len(text) <= 120:
            return text
        return _("Chưa có thông tin")
    return f"{_number(channel.time_limit_value)} {TimeUnit(unit).label}"


def vnd(amount: int) -> str:
    return _("%(amount)s đồng") % {"amount": f"{amount:,}".replace(",", ".")}


def fee_label(channel: ProcedureChannel | None) -> str:
    """ "Miễn phí" when every fee line is 0, the amounts in đồng, else the source text."""
    if channel is None:
        return _("Chưa có thông tin")
    amounts = [f.amount_vnd for f in channel.fees.all()]
    known = [a for a in amounts if a is not None]
    if known and len(known) == len(amounts) and not any(known):
        return _("Miễn phí")
    positive = sorted({a for a in known if a > 0})
    if positive:
        return "; ".join(vnd(a) for a in positive)
    text = channel.fee_text.strip()
    return text[:120] if text else _("Chưa có thông tin")


@dataclasses.dataclass(frozen=True)
class PosterItem:
    code: str
    name: str
    decision: str
    time_limit: str
    fee: str
    url: str
    qr: str


@dataclasses.dataclass(frozen=True)
class PosterGroup:
    number: str
    field: str
    items: list[PosterItem]


@dataclasses.dataclass(frozen=True)
class Poster:
    agency: Agency
    on: dt.date
    groups: list[PosterGroup]
    pairs: list[tuple[int, int, int]]  # (agency id, procedure id, version id) shown on the poster

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)

    @property
    def filename(self) -> str:
        return f"niem-yet-{self.agency.slug}-{self.on:%Y%m%d}.pdf"


def _counter_channel(version: ProcedureVersion) -> ProcedureChannel | None:
    channels = list(version.channels.all())
    for channel in channels:
        if channel.channel == Channel.IN_PERSON:
            return channel
    return channels[0] if channels else None


def build_poster(agency: Agency, on: dt.date | None = None) -> Poster:
    """What the poster of ``agency`` shows on ``on``: four queries.

    The procedures are those assigned on the day to the agency and to the units under it that
    share its counter (its one-stop desk, its offices), each with the version in force
    (``coverage.listing_rows``), grouped by field.
    """
    on = on or coverage.default_check_date(agency)
    rows = coverage.listing_rows(agency, on, threshold=on)
    # A district's counter does not receive its communes' procedures: leave out the people's
    # committees under this agency, and everything under them.
    nested = list(
        Agency.objects.filter(path__startswith=agency.path, kind=Agency.Kind.PEOPLE_COMMITTEE)
        .exclude(pk=agency.pk)
        .values_list("path", flat=True)
    )
    if nested:
        rows = rows.exclude(reduce(or_, (Q(agency__path__startswith=path) for path in nested)))
    pairs = list(rows.values_list("agency_id", "procedure_id", "in_force_version_id"))
    version_ids = {v for _a, _p, v in pairs}
    versions = (
        ProcedureVersion.objects.filter(pk__in=version_ids)
        .select_related("procedure", "field", "decision")
        .prefetch_related(Prefetch("channels", queryset=ProcedureChannel.objects.prefetch_related("fees")))
        .order_by("field__name", "procedure__code")
    )
    by_field: dict[str, list[PosterItem]] = {}
    for version in versions:
        channel = _counter_channel(version)
        url = procedure_url(version.procedure.code)
        by_field.setdefault(version.field.name, []).append(
            PosterItem(
                code=version.procedure.code,
                name=version.name,
                decision=version.decision.number,
                time_limit=time_limit_label(channel),
                fee=fee_label(channel),
                url=url,
                qr=qr_data_uri(version.procedure.code),
            )
        )
    groups = [
        PosterGroup(number=ROMAN[i] if i < len(ROMAN) else str(i + 1), field=field, items=items)
        for i, (field, items) in enumerate(by_field.items())
    ]
    return Poster(agency=agency, on=on, groups=groups, pairs=pairs)


def _place(agency: Agency) -> str:
    name = agency.administrative_unit.name
    for prefix in UNIT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def render_pdf(poster: Poster) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs time on every other request

    agency = poster.agency
    html = render_to_string(
        "procedures/poster.html",
        {
            "poster": poster,
            "agency": agency,
            "parent": agency.parent,
            "place": _place(agency),
            "qr_size": f"{QR_SIZE_CM}cm",
            "generated_on": timezone.localdate(),
        },
    )
    return HTML(string=html, base_url=settings.PUBLIC_BASE_URL).write_pdf()


@transaction.atomic
def record_poster(*, actor: Any, poster: Poster) -> int:
    """Record the counter listing (``both``) of every pair on the poster; returns how many changed."""
    changed = 0
    today = timezone.localdate()
    posted_on = min(poster.on, today)
    versions = {
        v.pk: v
        for v in ProcedureVersion.objects.filter(pk__in={v for _a, _p, v in poster.pairs}).select_related(
            "procedure"
        )
    }
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={a for a, _p, _v in poster.pairs})}
    for agency_id, _procedure_id, version_id in poster.pairs:
        version = versions[version_id]
        _listing, did_change = listing.listing_record(
            actor=actor,
            agency=agencies[agency_id],
            procedure=version.procedure,
            medium=ProcedureListing.Medium.BOTH,
            version=version,
            posted_on=posted_on,
        )
        changed += int(did_change)
    return changed


def generate_poster(
    *, actor: Any, agency: Agency, on: dt.date | None = None, record: bool = True
) -> tuple[Poster, bytes, int]:
    """Build and render the poster; with ``record``, record the listings it puts up.

    The PDF is rendered before anything is written, so a rendering failure records nothing.
    """
    poster = build_poster(agency, on)
    pdf = render_pdf(poster)
    recorded = record_poster(actor=actor, poster=poster) if record else 0
    return poster, pdf, recorded


def find_agency(code: str) -> Agency | None:
    """An agency by slug or electronic identifier; with a reused identifier, the one in force."""
    qs = Agency.objects.select_related("administrative_unit", "parent").filter(
        Q(slug=code) | Q(electronic_code=code)
    )
    candidates = list(qs.order_by("-valid_from"))
    if not candidates:
        return None
    today = timezone.localdate()
    for agency in candidates:
        if agency.slug == code:
            return agency
    for agency in candidates:
        if agency.valid_from <= today and (agency.valid_to is None or agency.valid_to >= today):
            return agency
    return candidates[0]


def pdf_response(pdf: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    kind = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{kind}; filename="{filename}"'
    return response


def poster_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Public download ``/don-vi/<code>/niem-yet.pdf``: renders, never writes.

    A public GET must not change a unit's compliance record (a crawler would mark every
    procedure as listed); staff record a printed poster from the coverage page (POST) or with
    ``manage.py listing_poster``.
    """
    agency = find_agency(code)
    if agency is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    poster, pdf, _recorded = generate_poster(actor=None, agency=agency, record=False)
    return pdf_response(pdf, poster.filename)
