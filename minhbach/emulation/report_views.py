"""Review reports (back office) and the public results of the emulation movement.

Staff pages, included at ``/can-bo/thi-dua/bao-cao/``: the sơ kết and tổng kết reports (DOMAIN.md
§10.4) per group and for the whole district, as HTML, PDF and Excel. They need the view
permission of the movement (the standing body, the council and auditors); anyone else gets 404,
never 403, and an anonymous visitor is sent to the login page.

Public pages, included at ``/thi-dua/``: only reviews whose results were published
(``Review.published_at``), with per group the ranking, scores and failed gates, and each score
down to its criteria and evidence descriptors (§10.15). Only official names and unit names are
shown; an unpublished review, an unknown participant or a movement with nothing published is 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from minhbach.emulation import reports, selectors
from minhbach.emulation.models import EmulationGroup, Review

VIEW_PERM = "emulation.view_movement"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_PERM):
        raise Http404


def _index(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    movements = list(
        selectors.movements(request.user).prefetch_related(
            Prefetch("groups", queryset=EmulationGroup.objects.order_by("code"))
        )
    )
    reviews = [r for m in movements for r in m.reviews.all()]
    latest = selectors.latest_evaluations(reviews) if reviews else {}
    rows = [
        (
            m,
            [(r, latest.get(r.pk)) for r in sorted(m.reviews.all(), key=lambda r: r.data_to)],
            list(m.groups.all()),
        )
        for m in movements
    ]
    return render(request, "emulation/reports/index.html", {"rows": rows, "error": error}, status=status)


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    _require(request)
    return _index(request)


@login_required
def report(
    request: HttpRequest, review_pk: int, group_pk: int | None = None, fmt: str = "html"
) -> HttpResponse:
    """One report: ``fmt`` is ``html`` (preview), ``pdf`` or ``xlsx``; ``group_pk`` narrows it to a group."""
    _require(request)
    review = (
        Review.objects.select_related(
            "movement__launching_agency__administrative_unit", "movement__launching_agency__parent"
        )
        .filter(movement__in=selectors.movements(request.user).values("pk"), pk=review_pk)
        .first()
    )
    if review is None:
        raise Http404
    group = None
    if group_pk is not None:
        group = EmulationGroup.objects.filter(movement=review.movement_id, pk=group_pk).first()
        if group is None:
            raise Http404
    try:
        data = reports.build(review, group=group)
    except reports.ReportError as exc:
        return _index(request, error=str(exc), status=404)
    if fmt == "pdf":
        body = reports.render_pdf(data)
    elif fmt == "xlsx":
        body = reports.render_xlsx(data)
    else:
        return HttpResponse(reports.render_html(data))
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(data, fmt)}"'
    return response


# --- Public results ------------------------------------------------------------------------------


def results_list(request: HttpRequest) -> HttpResponse:
    return render(request, "emulation/public/list.html", {"movements": list(reports.published_movements())})


def results_movement(request: HttpRequest, pk: int) -> HttpResponse:
    movement = reports.published_movement(pk)
    published = movement.published_reviews
    wanted = request.GET.get("dot")
    chosen = next((r for r in published if str(r.pk) == str(wanted)), None) if wanted else published[-1]
    if chosen is None:
        raise Http404
    review, evaluation = reports.published_review(movement, chosen.pk)
    gates, boards = reports.public_board(movement, evaluation)
    context = {
        "movement": movement,
        "reviews": published,
        "review": review,
        "evaluation": evaluation,
        "gates": gates,
        "boards": boards,
        "recipients": reports.decided_recipients(movement),
    }
    return render(request, "emulation/public/movement.html", context)


def results_participant(
    request: HttpRequest,
    pk: int,
    review_pk: int,
    agency_pk: int | None = None,
    official_pk: int | None = None,
) -> HttpResponse:
    movement = reports.published_movement(pk)
    review, evaluation = reports.published_review(movement, review_pk)
    standing, results, rows = reports.public_participant(
        evaluation, agency_pk=agency_pk, official_pk=official_pk
    )
    lines = [(r, reports.public_evidence(r, rows)) for r in results]
    context = {
        "movement": movement,
        "review": review,
        "evaluation": evaluation,
        "standing": standing,
        "failed": reports.failed_labels(standing, {r.criterion.code: r for r in results}),
        "lines": lines,
    }
    return render(request, "emulation/public/participant.html", context)
