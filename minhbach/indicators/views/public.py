"""The public transparency dashboard ``/minh-bach/`` (DOMAIN.md §9, §10.5, §5.11).

Anyone can choose a unit and a period and read the campaign targets (green or red against the
plan's 100 %, < 5 %, ≥ 90 %), the Decision 766 score with its groups, a league table of the
units under the chosen one, monthly trends, the integrity flags, and the plain-language
formula of every number; every number opens the list of records behind its numerator and its
denominator. Pages cost a bounded number of queries whatever the volume of data: the tables of
the unit and of its children are one ``compute.tables`` call, the trend one grouped rollup
query, the flags one grouped query each.

Public pages never show personal data: the record lists are those of ``records``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from minhbach.indicators import charts, evidence, integrity, records, reports, trends
from minhbach.indicators.compute import UnitTable, current_set, subtree_agencies, tables
from minhbach.indicators.forms import PeriodForm, RangeForm
from minhbach.indicators.models import IndicatorDefinition, IndicatorSet, UnitDayRollup
from minhbach.units.models import Agency

PAGE_SIZE = 50
#: The campaign indicators charted month by month (dossier family: daily rollups exist).
TREND_CODES = ("C4", "K1", "K4", "C3", "K2", "SAT")


def default_unit() -> Agency | None:
    """The People's Committee at or above the lowest agency whose subtree holds every dossier count.

    In the reference deployment that is the district People's Committee (Bắc Trà My): the
    province's committee is above it, but every dossier lies under the district. Two queries.
    """
    paths = list(UnitDayRollup.objects.order_by().values_list("agency__path", flat=True).distinct()[:1000])
    if not paths:
        return Agency.objects.filter(parent__isnull=True).order_by("path").first()
    parts = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    if not common:
        return Agency.objects.filter(parent__isnull=True).order_by("path").first()
    # The nearest People's Committee at or above it: one office alone is not a district's view.
    ancestors = {a.pk: a for a in Agency.objects.filter(pk__in=[int(pk) for pk in common])}
    for pk in reversed(common):
        agency = ancestors.get(int(pk))
        if agency is not None and agency.kind == Agency.Kind.PEOPLE_COMMITTEE:
            return agency
    return ancestors.get(int(common[-1]))


def _unit(slug: str) -> Agency:
    found = Agency.objects.filter(slug=slug).first()
    if found is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    return found


def _range(request: HttpRequest) -> tuple[dt.date, dt.date] | list[str]:
    form = RangeForm(request.GET)
    if not form.is_valid():
        return [str(e) for errors in form.errors.values() for e in errors]
    return form.cleaned_data["tu"], form.cleaned_data["den"]


def _bad_request(request: HttpRequest, errors: list[str]) -> HttpResponse:
    return render(request, "indicators/public/bad_request.html", {"errors": errors}, status=400)


def range_query(start: dt.date, end: dt.date) -> str:
    return urlencode({"tu": start.isoformat(), "den": end.isoformat()})


def _indicator_set(end: dt.date) -> IndicatorSet | None:
    try:
        return current_set(end)
    except IndicatorSet.DoesNotExist:
        return None


def _children(unit: Agency, end: dt.date) -> list[Agency]:
    return list(
        Agency.objects.filter(parent=unit, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=end))
        .order_by("kind", "name")
    )


def _league(results: list[UnitTable]) -> list[dict]:
    rows = []
    for result in results:
        rows.append(
            {
                "agency": result.agency,
                "total": result.total,
                "cells": {c.definition.code: c for c in result.cells},
            }
        )
    # Best total first; N/A (no data) last, never ranked as zero (D5).
    rows.sort(key=lambda r: (r["total"] is None, -(r["total"] or Decimal(0)), r["agency"].name))
    return rows


def _period_form(request: HttpRequest) -> tuple[PeriodForm, Agency | None, dt.date | None, dt.date | None]:
    form = PeriodForm(request.GET or None)
    if request.GET:
        if not form.is_valid():
            return form, None, None, None
        data = form.cleaned_data
        start, end = data["start"], data["end"]
        unit = Agency.objects.filter(slug=data["don_vi"]).first() if data.get("don_vi") else default_unit()
        if data.get("don_vi") and unit is None:
            form.add_error("don_vi", _("Không tìm thấy đơn vị."))
            return form, None, None, None
        return form, unit, start, end
    form = PeriodForm({"ky": "phong-trao"})
    form.is_valid()
    return form, default_unit(), form.cleaned_data["start"], form.cleaned_data["end"]


def _unit_choices() -> list[Agency]:
    return list(Agency.objects.only("slug", "name", "path").order_by("path"))


def dashboard(request: HttpRequest, section: str = "all") -> HttpResponse:
    """The dashboard; ``section`` renders only the league table or the trends (same queries bounded)."""
    form, unit, start, end = _period_form(request)
    context: dict = {
        "form": form,
        "units": _unit_choices(),
        "section": section,
        "evidence_families": set(evidence.EVIDENCE),
        "withheld_measures": {m for m, part in evidence.WITHHELD.items() if part == evidence.NUMERATOR},
    }
    if unit is None or start is None:
        status = 400 if form.errors else 200
        return render(request, "indicators/public/dashboard.html", context, status=status)
    indicator_set = _indicator_set(end)
    if indicator_set is None:
        context["no_set"] = True
        return render(request, "indicators/public/dashboard.html", context)
    definitions = list(
        IndicatorDefinition.objects.filter(indicator_set=indicator_set)
        .select_related("group")
        .order_by("group__order", "order")
    )
    children = _children(unit, end)
    results = tables([unit, *children], start, end, indicator_set=indicator_set, definitions=definitions)
    result = results[0]
    agencies = subtree_agencies([unit, *children])
    context.update(
        unit=unit,
        start=start,
        end=end,
        result=result,
        query=range_query(start, end),
        campaign=[g for g in result.groups if not g.scored],
        groups=[g for g in result.groups if g.scored],
        league=_league(results[1:]),
        league_codes=[d.code for d in definitions if d.code in ("C4", "K1", "K4", "C3", "K2", "C1", "C2")],
    )
    if section in ("all", "trends"):
        unit_agencies = [a for a in agencies if a.path.startswith(unit.path)]
        wanted = [d for d in definitions if d.code in TREND_CODES]
        series = trends.dossier_series(unit, start, end, wanted, agencies=unit_agencies)
        context["trends"] = [
            {
                "series": s,
                "svg": charts.line_chart(
                    s.points,
                    title=f"{s.definition.code} {s.definition.name}",
                    target=s.definition.target if s.definition.value_kind == "percent" else None,
                ),
            }
            for s in series
        ]
    if section == "all":
        flag_counts = integrity.counts([unit, *children], start, end, agencies)
        rules = integrity.thresholds(end)
        context["flags"] = [
            {"flag": f, "count": flag_counts[unit.pk][f.code], "explanation": integrity.explanation(f, rules)}
            for f in integrity.FLAGS
        ]
        for row in context["league"]:
            row["flags"] = sum(flag_counts[row["agency"].pk].values())
            row["flag_counts"] = [(f.code, flag_counts[row["agency"].pk][f.code]) for f in integrity.FLAGS]
        context["rating_channels"] = integrity.rating_channels(
            [a for a in agencies if a.path.startswith(unit.path)], start, end
        )
        context["definitions"] = definitions
    return render(request, "indicators/public/dashboard.html", context)


def league(request: HttpRequest) -> HttpResponse:
    return dashboard(request, section="league")


def trend(request: HttpRequest) -> HttpResponse:
    return dashboard(request, section="trends")


def _export(kind_title: str, qs, columns, fmt: str, filename: str) -> HttpResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(
            records.csv_lines(qs, columns), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    response = HttpResponse(
        records.xlsx_bytes(qs, columns, kind_title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _list_page(request, *, title, subtitle, kind, qs, end, filename, back):
    qs, columns = records.prepare(kind, qs, end)
    fmt = request.GET.get("dinh-dang", "")
    if fmt in ("csv", "xlsx"):
        return _export(title, qs, columns, fmt, filename)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    base = {k: v for k, v in request.GET.items() if k not in ("trang", "dinh-dang")}
    return render(
        request,
        "indicators/public/records.html",
        {
            "title": title,
            "subtitle": subtitle,
            "page": page,
            "columns": columns,
            "rows": list(records.rows(page.object_list, columns)),
            "query": urlencode(base),
            "back": back,
        },
    )


def evidence_list(request: HttpRequest, slug: str, code: str, part: str) -> HttpResponse:
    """The records behind the numerator or the denominator of one indicator of a unit in a period."""
    unit = _unit(slug)
    period = _range(request)
    if isinstance(period, list):
        return _bad_request(request, period)
    start, end = period
    indicator_set = _indicator_set(end)
    definition = (
        IndicatorDefinition.objects.filter(indicator_set=indicator_set, code=code)
        .select_related("group")
        .first()
        if indicator_set
        else None
    )
    if definition is None or part not in evidence.PARTS:
        raise Http404(_("Không tìm thấy chỉ số."))
    if evidence.withheld(definition, part):
        return render(
            request,
            "indicators/public/withheld.html",
            {
                "definition": definition,
                "unit": unit,
                "reason": evidence.WITHHELD_REASON,
                "denominator_query": range_query(start, end),
            },
        )
    found = evidence.evidence(definition, subtree_agencies([unit]), start, end, part)
    if found is None:
        return _bad_request(request, [str(evidence.NO_EVIDENCE)])
    part_label = _("Tử số") if part == evidence.NUMERATOR else _("Mẫu số")
    return _list_page(
        request,
        title=f"{definition.code} — {part_label}",
        subtitle=_("%(name)s · %(unit)s · %(start)s – %(end)s")
        % {
            "name": definition.name,
            "unit": unit.name,
            "start": f"{start:%d/%m/%Y}",
            "end": f"{end:%d/%m/%Y}",
        },
        kind=found.kind,
        qs=found.queryset,
        end=end if found.kind == "dossier" else None,
        filename=f"{unit.slug}-{definition.code}-{part}-{start:%Y%m%d}-{end:%Y%m%d}",
        back=f"?{range_query(start, end)}",
    )


def flag_list(request: HttpRequest, slug: str, flag: str) -> HttpResponse:
    unit = _unit(slug)
    period = _range(request)
    if isinstance(period, list):
        return _bad_request(request, period)
    start, end = period
    found = integrity.FLAG_BY_CODE.get(flag)
    if found is None:
        raise Http404(_("Không tìm thấy dấu hiệu."))
    qs = integrity.records(found, subtree_agencies([unit]), start, end)
    return _list_page(
        request,
        title=str(found.label),
        subtitle=_("%(unit)s · %(start)s – %(end)s · %(explanation)s")
        % {
            "unit": unit.name,
            "start": f"{start:%d/%m/%Y}",
            "end": f"{end:%d/%m/%Y}",
            "explanation": integrity.explanation(found, integrity.thresholds(end)),
        },
        kind=found.kind,
        qs=qs,
        end=None,
        filename=f"{unit.slug}-{flag}-{start:%Y%m%d}-{end:%Y%m%d}",
        back="",
    )


def _report_table(request: HttpRequest, slug: str) -> UnitTable | list[str]:
    unit = _unit(slug)
    period = _range(request)
    if isinstance(period, list):
        return period
    start, end = period
    if _indicator_set(end) is None:
        return [_("Chưa nạp bộ chỉ số nào có hiệu lực.")]
    return tables([unit], start, end)[0]


def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    from minhbach.indicators.pdf import render_report

    result = _report_table(request, slug)
    if isinstance(result, list):
        return _bad_request(request, result)
    response = HttpResponse(render_report(result), content_type="application/pdf")
    name = f"bao-cao-chi-so-{result.agency.slug}-{result.start:%Y%m%d}-{result.end:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def report_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    import io

    result = _report_table(request, slug)
    if isinstance(result, list):
        return _bad_request(request, result)
    out = io.BytesIO()
    reports.write_xlsx([result], out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="chi-so-{result.agency.slug}-{result.start:%Y%m%d}-{result.end:%Y%m%d}.xlsx"'
    )
    return response


def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    result = _report_table(request, slug)
    if isinstance(result, list):
        return _bad_request(request, result)
    response = HttpResponse("\ufeff" + reports.as_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="chi-so-{result.agency.slug}-{result.start:%Y%m%d}-{result.end:%Y%m%d}.csv"'
    )
    return response
