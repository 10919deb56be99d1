"""Review reports and public results of a movement (DOMAIN.md §10.4, §10.5, §10.15; D5).

A sơ kết (mid-term) outputs a provisional scoreboard per group and a gap list per unit; a tổng
kết (final) outputs the final scoreboard and proposals (§10.4). Both reports are assembled here
from the stored, immutable results (``Evaluation``, ``CriterionResult``, ``Standing``) of the
**latest version** of each review, never recomputed: what the report prints is what the
scoreboard shows and what the evidence trail (§10.15) can be drilled down to.

Everything is read in a fixed number of queries whatever the number of units and officials
(``build`` runs at most ``MAX_QUERIES``), then rendered three ways: HTML in Vietnamese
administrative format (national motto, issuing body, title, date line), PDF from that HTML with
WeasyPrint, and an Excel workbook with openpyxl (one sheet documents each criterion's wording,
weight and source, so a figure on paper can be traced to its rule).

N/A (a zero denominator, D5) is printed as "N/A", never as 0 or 100, and takes no part in
leaders, laggards, gaps or improvements.

The public results page (``/thi-dua/``) shows only reviews whose ``published_at`` is set, and
only official names and unit names: evidence is described without personal data (NĐ 13/2023/NĐ-CP;
§10.15 "personal data redacted for the public").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from minhbach.emulation import selectors
from minhbach.emulation.models import (
    Criterion,
    CriterionResult,
    EmulationGroup,
    Evaluation,
    Movement,
    Registration,
    Review,
    Standing,
    Subject,
)
from minhbach.emulation.templatetags.emulation_tags import BLOCKS, TIE_BREAKS

#: Upper bound of the queries ``build`` runs, whatever the size of the movement.
MAX_QUERIES = 10
#: How many units are named as leaders and as laggards of each criterion.
LEADERS = 3
HUNDRED = Decimal(100)
logger = logging.getLogger(__name__)
UNIT_PREFIXES = ("Thị trấn ", "Thành phố ", "Phường ", "Huyện ", "Tỉnh ", "Quận ", "Thị xã ", "Xã ")


class ReportError(Exception):
    """A report that cannot be produced (the review has not been computed)."""


# --- Plain data ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Line:
    """One row of a scoreboard: the standing, its failed gates and its criterion results by code."""

    standing: Standing
    failed: list[str]  # labels: failed gate codes, then blocks that are not criteria
    results: dict[str, CriterionResult]

    @property
    def name(self) -> str:
        s = self.standing
        return s.official.full_name if s.official_id else s.agency.name


@dataclasses.dataclass
class Board:
    group: EmulationGroup
    collectives: list[Line]
    individuals: list[Line]
    chart: str = ""


@dataclasses.dataclass
class Ranked:
    name: str
    group: str
    value: Decimal


@dataclasses.dataclass
class Leaders:
    """The best and worst units of one criterion; when every unit has the same value, neither."""

    criterion: Criterion
    top: list[Ranked]
    bottom: list[Ranked]
    count: int
    tied: Decimal | None = None


@dataclasses.dataclass
class Gap:
    """A criterion where a unit is below its target at the mid-term (§10.4 "gap list per unit")."""

    unit: str
    group: str
    criterion: Criterion
    value: Decimal | None
    target: str
    shortfall: Decimal | None
    reason: str


@dataclasses.dataclass
class Delta:
    """Final value − mid-term value of one unit (``criterion`` is None for the unit score)."""

    unit: str
    group: str
    criterion: Criterion | None
    midterm: Decimal
    final: Decimal
    midterm_rank: int | None = None
    final_rank: int | None = None

    @property
    def delta(self) -> Decimal:
        return self.final - self.midterm

    @property
    def delta_label(self) -> str:
        return ("+" if self.delta > 0 else "") + _fmt(self.delta)


@dataclasses.dataclass
class Report:
    movement: Movement
    review: Review
    evaluation: Evaluation
    group: EmulationGroup | None
    criteria: list[Criterion]
    boards: list[Board]
    leaders: list[Leaders]
    gaps: list[Gap]
    deltas: list[Delta]
    score_deltas: list[Delta]
    midterm_evaluation: Evaluation | None
    issued_on: dt.date

    @property
    def is_midterm(self) -> bool:
        return self.review.kind == Review.Kind.MIDTERM

    @property
    def kind_label(self) -> str:
        return str(self.review.get_kind_display())

    @property
    def title(self) -> str:
        """The title "Sơ kết phong trào thi đua …"; the name's own "Phong trào thi đua" is not repeated."""
        name = self.movement.name.strip()
        prefix = "phong trào thi đua"
        rest = name[len(prefix) :].strip() if name.lower().startswith(prefix) else f"“{name}”"
        return f"{self.kind_label} {prefix} {rest}".strip()

    @property
    def scope_label(self) -> str:
        if self.group is None:
            return _("Toàn huyện (tất cả cụm, khối thi đua)")
        return f"{_('Cụm, khối')} {self.group.code} · {self.group.name}"

    @property
    def place(self) -> str:
        unit = getattr(self.movement.launching_agency, "administrative_unit", None)
        name = getattr(unit, "name", "") or ""
        for prefix in UNIT_PREFIXES:
            if name.startswith(prefix):
                return name[len(prefix) :]
        return name

    @property
    def score_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if c.subject == Subject.COLLECTIVE and c.is_score]

    @property
    def collective_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if c.subject == Subject.COLLECTIVE]

    @property
    def improved(self) -> list[Delta]:
        return [d for d in self.deltas if d.delta > 0]


# --- Reading -------------------------------------------------------------------------------------


def failed_labels(standing: Standing, results: dict[str, CriterionResult]) -> list[str]:
    """Failed gates by code, then the blocks that are not criteria (not registered, verification…)."""
    labels = []
    for code, r in results.items():
        if r.criterion.is_gate and r.passed is False:
            pending = r.status == CriterionResult.Status.PENDING
            labels.append(f"{code} ({_('chờ số liệu')})" if pending else code)
    for block in standing.blocked_by or []:
        if block in results or block == "pending_rating":
            continue
        labels.append(str(BLOCKS.get(block, block)))
    return labels


def _standings(evaluation: Evaluation, group: EmulationGroup | None) -> QuerySet[Standing]:
    qs = evaluation.standings.select_related("agency", "official", "nominating_agency")
    if group is not None:
        qs = qs.filter(group=group)
    return qs.order_by(
        "group__code", "subject", F("rank").asc(nulls_last=True), F("score").desc(nulls_last=True), "pk"
    )


def _results(
    evaluation: Evaluation, criteria: dict[int, Criterion], keys: set[tuple[str, int | None, int | None]]
) -> dict[tuple[str, int | None, int | None], dict[str, CriterionResult]]:
    """Every criterion result of ``keys`` in one query (evidence deferred: the report does not print it)."""
    out: dict[tuple[str, int | None, int | None], dict[str, CriterionResult]] = defaultdict(dict)
    for r in evaluation.criterion_results.defer("evidence").order_by("pk"):
        key = (r.subject, r.agency_id, r.official_id)
        if key not in keys:
            continue
        r.criterion = criteria[r.criterion_id]
        out[key][r.criterion.code] = r
    return out


def _key(s: Standing) -> tuple[str, int | None, int | None]:
    return (s.subject, s.agency_id, s.official_id)


def _usable(r: CriterionResult | None) -> bool:
    return r is not None and r.value is not None and not r.na and r.status == CriterionResult.Status.OK


def full_mark(criterion: Criterion) -> Decimal:
    """The value at which a score criterion earns s = 1 (§10.5: ratios linear to 100%, K7 per count)."""
    prefix = criterion.source.partition(":")[0]
    if prefix in ("indicator", "personal"):
        return HUNDRED
    return Decimal(str((criterion.options or {}).get("per", 1)))


def _target(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        return None


def gaps_of(
    lines: list[Line], criteria: list[Criterion], targets: dict[int, dict[str, Any]], group: str
) -> list[Gap]:
    """Criteria where each unit is below target: its registered target (chỉ tiêu đăng ký, §10.3) if any,
    else full marks for a score criterion; a failed gate is always a gap."""
    out: list[Gap] = []
    for line in lines:
        unit_targets = targets.get(line.standing.agency_id or 0, {})
        for c in criteria:
            r = line.results.get(c.code)
            if r is None:
                continue
            if c.is_gate and r.passed is False:
                threshold = f"{c.get_comparison_display()} {c.threshold}".strip()
                reason = (
                    _("chờ số liệu")
                    if r.status == CriterionResult.Status.PENDING
                    else _("không đạt điều kiện")
                )
                out.append(Gap(line.name, group, c, r.value, threshold, None, reason))
                continue
            if not c.is_score or not _usable(r):
                continue
            registered = _target(unit_targets.get(c.code))
            target = registered if registered is not None else full_mark(c)
            if r.value < target:
                label = _("chỉ tiêu đăng ký") if registered is not None else _("mức tối đa")
                places = 2 if full_mark(c) == HUNDRED else 0
                out.append(
                    Gap(line.name, group, c, r.value, _fmt(target, places), target - r.value, str(label))
                )
    out.sort(key=lambda g: (g.group, g.unit, g.criterion.position))
    return out


def leaders_of(lines_by_group: list[tuple[str, list[Line]]], criteria: list[Criterion]) -> list[Leaders]:
    """Top and bottom units of each score criterion (N/A left out, D5); ties broken by name."""
    out: list[Leaders] = []
    for c in criteria:
        ranked = [
            Ranked(line.name, group, line.results[c.code].value)
            for group, lines in lines_by_group
            for line in lines
            if _usable(line.results.get(c.code))
        ]
        if not ranked:
            continue
        ranked.sort(key=lambda r: (-r.value, r.name))
        best, worst = ranked[0].value, ranked[-1].value
        if best == worst:
            out.append(Leaders(c, [], [], len(ranked), tied=best))
            continue
        top = [r for r in ranked[:LEADERS] if r.value > worst]
        rest = [r for r in ranked[len(top) :] if r.value < best]
        bottom = sorted(rest, key=lambda r: (r.value, r.name))[:LEADERS]
        out.append(Leaders(c, top, bottom, len(ranked)))
    return out


def latest_of_movement(movement: Movement) -> tuple[list[Review], dict[int, Evaluation]]:
    reviews = list(movement.reviews.all())
    return reviews, (selectors.latest_evaluations(reviews) if reviews else {})


def build(review: Review, *, group: EmulationGroup | None = None, today: dt.date | None = None) -> Report:
    """The report of a review for one group or the whole district, from its latest evaluation.

    ``review`` should come with ``movement__launching_agency__administrative_unit`` selected.
    Raises ``ReportError`` when the review has no evaluation yet.
    """
    movement = review.movement
    reviews, latest = latest_of_movement(movement)
    evaluation = latest.get(review.pk)
    if evaluation is None:
        raise ReportError(
            _("Đợt %(kind)s chưa được tính điểm nên chưa có báo cáo.") % {"kind": review.get_kind_display()}
        )
    criteria_list = list(evaluation.criteria_set.criteria.order_by("subject", "position"))
    criteria = {c.pk: c for c in criteria_list}
    groups = {g.pk: g for g in EmulationGroup.objects.filter(movement=movement).order_by("code")}
    if group is not None and group.pk not in groups:
        raise ReportError(_("Cụm, khối không thuộc phong trào này."))
    standings = list(_standings(evaluation, group))
    results = _results(evaluation, criteria, {_key(s) for s in standings})
    boards = {pk: Board(g, [], []) for pk, g in groups.items() if group is None or pk == group.pk}
    for s in standings:
        mine = results.get(_key(s), {})
        line = Line(s, failed_labels(s, mine), mine)
        board = boards[s.group_id]
        (board.collectives if s.subject == Subject.COLLECTIVE else board.individuals).append(line)
    for board in boards.values():
        board.chart = bar_chart(
            _("Điểm của các tập thể, %(group)s") % {"group": board.group.code},
            [(line.name, line.standing.score, _bar_class(line.standing)) for line in board.collectives],
        )
    board_list = list(boards.values())
    score_criteria = [c for c in criteria_list if c.subject == Subject.COLLECTIVE and c.is_score]
    leaders = leaders_of([(b.group.code, b.collectives) for b in board_list], score_criteria)

    gaps: list[Gap] = []
    deltas: list[Delta] = []
    score_deltas: list[Delta] = []
    midterm_ev: Evaluation | None = None
    if review.kind == Review.Kind.MIDTERM:
        targets = dict(Registration.objects.filter(movement=movement).values_list("agency_id", "targets"))
        collective_criteria = [c for c in criteria_list if c.subject == Subject.COLLECTIVE]
        for b in board_list:
            gaps += gaps_of(b.collectives, collective_criteria, targets, b.group.code)
    else:
        midterm = next((r for r in reviews if r.kind == Review.Kind.MIDTERM), None)
        midterm_ev = latest.get(midterm.pk) if midterm else None
        if midterm_ev is not None:
            deltas, score_deltas = _improvements(midterm_ev, board_list)
    return Report(
        movement=movement,
        review=review,
        evaluation=evaluation,
        group=group,
        criteria=criteria_list,
        boards=board_list,
        leaders=leaders,
        gaps=gaps,
        deltas=deltas,
        score_deltas=score_deltas,
        midterm_evaluation=midterm_ev,
        issued_on=today or timezone.localdate(),
    )


def _improvements(midterm_ev: Evaluation, boards: list[Board]) -> tuple[list[Delta], list[Delta]]:
    """Per unit and criterion: final − mid-term, when both values exist (two queries).

    Criteria are matched by code and subject, so a criteria set changed between the reviews still
    compares like with like; a criterion N/A in either review is left out (D5).
    """
    units = {line.standing.agency_id: (b.group.code, line) for b in boards for line in b.collectives}
    before: dict[tuple[int, str], Decimal] = {}
    for agency_id, code, value, na, status in midterm_ev.criterion_results.filter(
        subject=Subject.COLLECTIVE, agency__in=list(units)
    ).values_list("agency_id", "criterion__code", "value", "na", "status"):
        if value is not None and not na and status == CriterionResult.Status.OK:
            before[(agency_id, code)] = value
    deltas: list[Delta] = []
    for agency_id, (group_code, line) in units.items():
        for code, r in line.results.items():
            if _usable(r) and (agency_id, code) in before:
                deltas.append(Delta(line.name, group_code, r.criterion, before[(agency_id, code)], r.value))
    earlier = {
        agency_id: (score, rank)
        for agency_id, score, rank in Standing.objects.filter(
            evaluation=midterm_ev, subject=Subject.COLLECTIVE, agency__in=list(units)
        ).values_list("agency_id", "score", "rank")
    }
    score_deltas: list[Delta] = []
    for agency_id, (group_code, line) in units.items():
        old_score, old_rank = earlier.get(agency_id, (None, None))
        if old_score is None or line.standing.score is None:
            continue
        score_deltas.append(
            Delta(line.name, group_code, None, old_score, line.standing.score, old_rank, line.standing.rank)
        )
    deltas.sort(key=lambda d: (d.group, d.unit, d.criterion.position if d.criterion else 0))
    score_deltas.sort(key=lambda d: (d.group, -d.delta, d.unit))
    return deltas, score_deltas


# --- Chart ---------------------------------------------------------------------------------------

BAR_COLOURS = {"proposed": "#1f6f43", "eligible": "#4a7fb0", "blocked": "#a9a9a9"}


def _bar_class(s: Standing) -> str:
    if s.proposed:
        return "proposed"
    return "eligible" if s.eligible else "blocked"


def bar_chart(title: str, bars: list[tuple[str, Decimal | None, str]]) -> SafeString:
    """A horizontal bar chart of scores (0–100) as inline SVG: drawn on the server, no script, no CDN.

    WeasyPrint draws inline SVG, so the same markup serves the HTML preview and the PDF.
    """
    label_w, bar_w, value_w, row_h, top = 230, 360, 60, 20, 28
    width = label_w + bar_w + value_w
    height = top + row_h * max(1, len(bars)) + 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}" font-family="DejaVu Sans, sans-serif" '
        'font-size="10">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-size="11" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 18}" '
            'stroke="#ddd" stroke-width="0.6"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#555">{tick}</text>'
        )
    for i, (label, score, kind) in enumerate(bars):
        y = top + i * row_h
        short = label if len(label) <= 36 else label[:35] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" data-bar="{escape(label)}">'
            f"{escape(short)}</text>"
        )
        if score is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 13}" fill="#555">N/A</text>')
            continue
        length = bar_w * float(max(Decimal(0), min(HUNDRED, score))) / 100
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 6}" '
            f'fill="{BAR_COLOURS.get(kind, BAR_COLOURS["eligible"])}" class="bar {kind}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 13}">{escape(_fmt(score))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def _fmt(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "N/A"
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,}".replace(",", " ").replace(".", ",")


# --- Rendering -----------------------------------------------------------------------------------


def render_html(report: Report) -> str:
    return render_to_string(
        "emulation/reports/document.html",
        {"r": report, "tie_labels": {k: str(v) for k, v in TIE_BREAKS.items()}},
    )


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (WeasyPrint; DejaVu fonts carry every Vietnamese diacritic)."""
    from django.conf import settings
    from weasyprint import HTML  # imported here: loading pango costs time on every other request

    return HTML(string=render_html(report), base_url=getattr(settings, "PUBLIC_BASE_URL", None)).write_pdf()


def filename(report: Report, ext: str) -> str:
    kind = "so-ket" if report.is_midterm else "tong-ket"
    scope = f"-{report.group.code}" if report.group else ""
    return f"bao-cao-{kind}-phong-trao-{report.movement.pk}{scope}-v{report.evaluation.version}.{ext}"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def render_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook: scoreboards, criterion values, leaders, gaps or improvements,
    and a sheet documenting every criterion (wording, role, weight, source, threshold)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, headers: list[str], rows: list[list[Any]], widths: list[int], first: bool = False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        ws.append(headers)
        for cell in ws[1]:
            cell.font, cell.fill, cell.alignment, cell.border = header_font, header_fill, wrap, border
        for row in rows:
            ws.append(row)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.border, cell.alignment = border, wrap
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions
        return ws

    ev, mv = report.evaluation, report.movement
    info = sheet(
        "Thông tin",
        [_("Mục"), _("Nội dung")],
        [
            [_("Báo cáo"), report.title],
            [_("Phạm vi"), report.scope_label],
            [_("Cơ quan phát động"), mv.launching_agency.name],
            [_("Thời gian phong trào"), f"{mv.period_start:%d/%m/%Y} – {mv.period_end:%d/%m/%Y}"],
            [_("Kỳ số liệu"), f"{report.review.data_from:%d/%m/%Y} – {report.review.data_to:%d/%m/%Y}"],
            [_("Phiên bản kết quả"), ev.version],
            [_("Thời điểm tính"), timezone.localtime(ev.computed_at).strftime("%d/%m/%Y %H:%M")],
            [_("Bộ tiêu chí"), f"{ev.criteria_set.code} v{ev.criteria_set.version}"],
            [_("Mã băm dữ liệu đầu vào"), ev.inputs_hash],
            [_("Hạt giống bốc thăm"), ev.draw_seed],
            [_("Ngày lập báo cáo"), f"{report.issued_on:%d/%m/%Y}"],
            [
                _("Công bố"),
                timezone.localtime(report.review.published_at).strftime("%d/%m/%Y %H:%M")
                if report.review.published_at
                else _("Chưa công bố (kết quả tạm thời)"),
            ],
        ],
        [28, 90],
        first=True,
    )
    info["A1"].font = header_font

    def board_rows(individual: bool) -> list[list[Any]]:
        rows = []
        for b in report.boards:
            for line in b.individuals if individual else b.collectives:
                s = line.standing
                row = [b.group.code, s.rank, line.name]
                if individual:
                    row.append(s.nominating_agency.name if s.nominating_agency_id else "")
                row += [
                    _number(s.score),
                    ", ".join(line.failed) or _("Đạt tất cả"),
                    _("Có") if s.proposed else "",
                    str(TIE_BREAKS.get(s.tie_break, s.tie_break)) if s.rank else "",
                    _number(s.margin),
                ]
                rows.append(row)
        return rows

    tail = [
        _("Điểm"),
        _("Điều kiện không đạt / vướng"),
        _("Đề nghị"),
        _("Phân định bằng"),
        _("Cách hạng sau"),
    ]
    sheet(
        "Xếp hạng tập thể",
        [_("Cụm, khối"), _("Hạng"), _("Đơn vị"), *tail],
        board_rows(False),
        [10, 7, 38, 10, 34, 9, 26, 12],
    )
    sheet(
        "Xếp hạng cá nhân",
        [_("Cụm, khối"), _("Hạng"), _("Cá nhân"), _("Đơn vị đề nghị"), *tail],
        board_rows(True),
        [10, 7, 28, 30, 10, 34, 9, 26, 12],
    )

    codes = report.collective_criteria
    values = []
    for b in report.boards:
        for line in b.collectives:
            row: list[Any] = [b.group.code, line.name]
            for c in codes:
                r = line.results.get(c.code)
                if r is None:
                    row.append("")
                elif r.status == CriterionResult.Status.PENDING:
                    row.append(_("chờ số liệu"))
                elif r.na or r.value is None:
                    row.append("N/A")
                else:
                    row.append(float(r.value))
            values.append(row)
    sheet(
        "Giá trị tiêu chí",
        [_("Cụm, khối"), _("Đơn vị"), *[c.code for c in codes]],
        values,
        [10, 38, *[9] * len(codes)],
    )

    lead_rows = []
    for item in report.leaders:
        for label, ranked in ((_("Dẫn đầu"), item.top), (_("Cuối bảng"), item.bottom)):
            for i, r in enumerate(ranked, start=1):
                lead_rows.append(
                    [item.criterion.code, item.criterion.wording, label, i, r.group, r.name, float(r.value)]
                )
    sheet(
        "Dẫn đầu, cuối bảng",
        [_("Mã"), _("Tiêu chí"), _("Nhóm"), _("Thứ tự"), _("Cụm, khối"), _("Đơn vị"), _("Giá trị")],
        lead_rows,
        [7, 50, 12, 8, 10, 38, 10],
    )

    if report.is_midterm:
        gap_rows = [
            [
                g.group,
                g.unit,
                g.criterion.code,
                g.criterion.wording,
                _number(g.value) if g.value is not None else "N/A",
                g.target,
                _number(g.shortfall),
                g.reason,
            ]
            for g in report.gaps
        ]
        sheet(
            "Tồn tại theo đơn vị",
            [
                _("Cụm, khối"),
                _("Đơn vị"),
                _("Mã"),
                _("Tiêu chí"),
                _("Giá trị"),
                _("Mục tiêu"),
                _("Còn thiếu"),
                _("Ghi chú"),
            ],
            gap_rows,
            [10, 34, 7, 50, 10, 12, 10, 22],
        )
    else:
        delta_rows = [
            [
                d.group,
                d.unit,
                _("Điểm tổng hợp"),
                "",
                float(d.midterm),
                float(d.final),
                float(d.delta),
                d.midterm_rank,
                d.final_rank,
            ]
            for d in report.score_deltas
        ]
        delta_rows += [
            [
                d.group,
                d.unit,
                d.criterion.code,
                d.criterion.wording,
                float(d.midterm),
                float(d.final),
                float(d.delta),
                None,
                None,
            ]
            for d in report.deltas
        ]
        sheet(
            "Tiến bộ so với sơ kết",
            [
                _("Cụm, khối"),
                _("Đơn vị"),
                _("Mã"),
                _("Tiêu chí"),
                _("Sơ kết"),
                _("Tổng kết"),
                _("Chênh lệch"),
                _("Hạng sơ kết"),
                _("Hạng tổng kết"),
            ],
            delta_rows,
            [10, 34, 14, 50, 10, 10, 11, 10, 10],
        )

    crit_rows = [
        [
            c.get_subject_display(),
            c.code,
            c.wording,
            c.get_role_display(),
            float(c.weight) if c.is_score else None,
            c.source,
            f"{c.get_comparison_display()} {c.threshold}".strip() if c.is_gate else "",
            _fmt(full_mark(c)) if c.is_score else "",
        ]
        for c in report.criteria
    ]
    sheet(
        "Tiêu chí",
        [
            _("Đối tượng"),
            _("Mã"),
            _("Nội dung tiêu chí"),
            _("Vai trò"),
            _("Trọng số"),
            _("Nguồn số liệu"),
            _("Ngưỡng điều kiện"),
            _("Mức tối đa (s = 1)"),
        ],
        crit_rows,
        [11, 7, 60, 22, 10, 28, 16, 14],
    )

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Public results (/thi-dua/) --------------------------------------------------------------------


def published_movements() -> QuerySet[Movement]:
    """Movements with at least one published review, with those reviews (two queries)."""
    published = Review.objects.filter(published_at__isnull=False).order_by("data_to")
    return (
        Movement.objects.filter(reviews__published_at__isnull=False)
        .distinct()
        .select_related("launching_agency")
        .prefetch_related(Prefetch("reviews", queryset=published, to_attr="published_reviews"))
        .order_by("-period_start", "name")
    )


def published_movement(pk: int) -> Movement:
    movement = published_movements().filter(pk=pk).first()
    if movement is None:
        raise Http404
    return movement


def published_review(movement: Movement, review_pk: Any) -> tuple[Review, Evaluation]:
    """A published review of ``movement`` and its latest evaluation; anything else is 404."""
    review = next((r for r in movement.published_reviews if str(r.pk) == str(review_pk)), None)
    if review is None:
        raise Http404
    evaluation = selectors.latest_evaluations([review]).get(review.pk)
    if evaluation is None:
        raise Http404
    return review, evaluation


def public_participant(
    evaluation: Evaluation, *, agency_pk: int | None = None, official_pk: int | None = None
) -> tuple[Standing, list[CriterionResult], dict[str, dict[int, Any]]]:
    standing = (
        evaluation.standings.select_related("agency", "official", "nominating_agency", "group")
        .filter(agency_id=agency_pk, official_id=official_pk)
        .first()
    )
    if standing is None:
        raise Http404
    results = list(
        evaluation.criterion_results.filter(agency_id=agency_pk, official_id=official_pk)
        .select_related("criterion", "override")
        .order_by("criterion__position")
    )
    return standing, results, selectors.evidence_rows(results)


def public_evidence(result: CriterionResult, rows: dict[str, dict[int, Any]]) -> list[str]:
    """Plain-text evidence descriptors for the public (§10.15): ids, counts, official decisions.

    Never an official's name for discipline or a blocking case, nor a rating level of a person:
    only whether the gate was met. Feedback is named by its public code.
    """
    ev = result.evidence or {}
    kind = ev.get("kind")
    out: list[str] = []
    if kind == "indicator":
        if result.denominator is not None:
            out.append(
                _("Tử số / mẫu số: %(n)s / %(d)s")
                % {"n": _fmt(result.numerator, 0), "d": _fmt(result.denominator, 0)}
            )
        if ev.get("definition_id"):
            out.append(_("Định nghĩa chỉ số số %(id)s") % {"id": ev["definition_id"]})
        if ev.get("ids"):
            out.append(_("%(n)s bản ghi nguồn") % {"n": len(ev["ids"])})
        beside = ev.get("beside")
        if beside:
            rate = "N/A" if beside.get("rate") is None else f"{_fmt(Decimal(beside['rate']))}%"
            out.append(_("Kèm theo %(code)s: %(rate)s") % {"code": beside.get("code"), "rate": rate})
    elif kind == "feedback":
        for pk in ev.get("ids", []):
            f = rows.get("feedback", {}).get(pk)
            out.append(_("Phản ánh %(code)s: có căn cứ") % {"code": getattr(f, "code", "") or f"#{pk}"})
        for pk in ev.get("pending_ids", []):
            f = rows.get("feedback", {}).get(pk)
            out.append(
                _("Phản ánh %(code)s: đang xác minh, chưa tính")
                % {"code": getattr(f, "code", "") or f"#{pk}"}
            )
    elif kind == "discipline":
        for pk in ev.get("ids", []):
            d = rows.get("discipline", {}).get(pk)
            when = f"{d.decided_on:%d/%m/%Y}" if d is not None and d.decided_on else ""
            form = d.get_form_display() if d is not None and d.form else ""
            out.append(
                (_("Quyết định kỷ luật %(form)s ngày %(date)s") % {"form": form, "date": when}).replace(
                    "  ", " "
                )
            )
    elif kind == "initiative":
        for pk in ev.get("ids", []):
            i = rows.get("initiative", {}).get(pk)
            if i is not None:
                out.append(
                    _("%(title)s (công nhận: %(number)s ngày %(date)s, %(issuer)s)")
                    % {
                        "title": i.title,
                        "number": i.recognition_number,
                        "date": f"{i.recognition_date:%d/%m/%Y}" if i.recognition_date else "",
                        "issuer": i.recognition_issuer,
                    }
                )
    elif kind == "annual_rating":
        for year in sorted(ev.get("levels", {})):
            out.append(_("Năm %(year)s: đã có kết quả xếp loại") % {"year": year})
        for year in ev.get("missing_years", []):
            out.append(_("Năm %(year)s: chờ kết quả xếp loại") % {"year": year})
    elif kind == "blocking_case":
        n = len(ev.get("discipline_ids", [])) + len(ev.get("verification_ids", []))
        out.append(
            _("Có %(n)s trường hợp đang xem xét, kỷ luật hoặc xác minh") % {"n": n}
            if n
            else _("Không có trường hợp kỷ luật, xác minh")
        )
    elif kind in ("dossier_steps", "ratings") and result.denominator:
        out.append(
            _("Tử số / mẫu số: %(n)s / %(d)s")
            % {"n": _fmt(result.numerator, 0), "d": _fmt(result.denominator, 0)}
        )
    if result.override_id:
        out.append(
            _("Giá trị tính được %(computed)s, điều chỉnh thành %(value)s: %(reason)s")
            % {
                "computed": _fmt(result.computed_value),
                "value": _fmt(result.value),
                "reason": result.override.reason,
            }
        )
    return out


# --- Award decisions (guarded: the award module is optional here) ------------------------------


@dataclasses.dataclass
class Recipient:
    name: str
    unit: str
    award: str
    decision: str
    revoked: str  # the public reason of a revocation, "" when the award stands (§10.14)


def decided_recipients(movement: Movement) -> list[Recipient]:
    """Recipients of the award decisions of this movement (§10.13), names as printed in the decision.

    Official names and unit names are public in an award decision; amounts and positions are not
    repeated here. The award models are looked up at run time so that the results page works on
    a deployment (or a migration state) without them.
    """
    try:
        model = apps.get_model("emulation", "AwardRecipient")
    except LookupError:
        return []
    try:
        rows = list(
            model.objects.filter(decision__round__movement=movement)
            .select_related("decision", "award_form", "revocation")
            .order_by("decision__date", "decision_id", "position_in_decision", "pk")
        )
    except FieldError:  # an award schema this page does not know: show the results without it
        logger.warning("AwardRecipient has an unexpected schema; recipients not shown", exc_info=True)
        return []
    out: list[Recipient] = []
    for r in rows:
        revocation = getattr(r, "revocation", None)  # a missing reverse one-to-one is an AttributeError
        out.append(
            Recipient(
                name=r.name,
                unit=r.unit_name if r.official_id else "",
                award=getattr(r.award_form, "name", str(r.award_form)),
                decision=str(r.decision),
                revoked=getattr(revocation, "reason", "") or "",
            )
        )
    return out


def public_board(movement: Movement, evaluation: Evaluation) -> tuple[list[Criterion], list[selectors.Board]]:
    """The gate criteria, and per group the ranked collectives and individuals with their failed gates."""
    groups = list(EmulationGroup.objects.filter(movement=movement).order_by("code"))
    gates, boards = selectors.scoreboard(evaluation, groups)
    for board in boards:
        for row in [*board.collectives, *board.individuals]:
            row.failed = failed_labels(row.standing, {r.criterion.code: r for r in row.gates})
    return gates, boards
