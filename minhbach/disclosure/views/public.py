"""Citizen pages: news and documents (``/cong-khai/``) and the public page of a unit (``/co-quan/``).

Only what the law makes public is shown: articles, published register items, the C1 rate and the
agency's official contacts (its spokesperson's office phone is the agency's, not personal data).
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from minhbach.disclosure import selectors
from minhbach.disclosure.forms import ArticleSearchForm

PAGE_SIZE = 20
YEARS_SHOWN = 4


def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleSearchForm(request.GET or None)
    query = category = ""
    status = 200
    if request.GET:
        if form.is_valid():
            query, category = form.cleaned_data["q"], form.cleaned_data["category"]
        else:
            status = 400
    page = Paginator(selectors.published_articles(query, category), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    params = {k: v for k, v in (("q", query), ("category", category)) if v}
    return render(
        request,
        "disclosure/public/list.html",
        {"form": form, "page": page, "params": params},
        status=status,
    )


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.published_article(slug)
    return render(request, "disclosure/public/detail.html", {"article": article})


def attachment_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    article = selectors.published_article(slug)
    attachment = next((a for a in article.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    extension = attachment.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        handle, as_attachment=True, filename=f"{article.slug}-{attachment.pk}.{extension}",
        content_type=attachment.content_type,
    )  # fmt: skip


def _year(request: HttpRequest, today: dt.date) -> int:
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year else today.year


def agency_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The unit's public page: contacts (§8.4), its published items and C1 of the year (§8.3)."""
    agency = selectors.public_agency(slug)
    today = timezone.localdate()
    year = _year(request, today)
    start = dt.date(year, 1, 1)
    # The current year runs to today: items not yet due cannot be late.
    end = today if year == today.year else dt.date(year, 12, 31)
    context = {
        "agency": agency,
        "contacts": selectors.current_contacts(agency, today),
        "items": selectors.published_items(agency),
        "rate": selectors.on_time_rate(agency, start, end, subtree=False),
        "year": year,
        "start": start,
        "end": end,
        "years": list(range(today.year, today.year - YEARS_SHOWN, -1)),
    }
    return render(request, "disclosure/public/agency.html", context)
