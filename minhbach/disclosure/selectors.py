"""Reads of the publication register, contacts and articles, and the on-time rate C1 (§8.3).

Public reads return only what is public by law (articles, published items, the agency's official
contacts); staff reads are scoped with ``minhbach.accounts.policies`` (out of scope is 404).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from minhbach.accounts.policies import restrict
from minhbach.core.text import fold
from minhbach.disclosure import rules
from minhbach.disclosure.models import Article, PublicationItem, UnitContact
from minhbach.units.models import Agency

ARTICLE_LIST_FIELDS = ("slug", "title", "summary", "category", "published_at", "agency__name")
TWO_PLACES = Decimal("0.01")


# --- Criterion C1 -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Rate:
    """C1 of one unit over a period: ``rate`` is a percentage, ``None`` means N/A (D5, §9.5)."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def is_na(self) -> bool:
        return self.denominator == 0


def _due_in(start: dt.date, end: dt.date) -> QuerySet[PublicationItem]:
    """Items due in ``[start, end]``, with the local day of publication as ``published_day``."""
    return PublicationItem.objects.filter(due_at__gte=start, due_at__lte=end).alias(
        published_day=TruncDate("published_at", tzinfo=timezone.get_default_timezone())
    )


def _on_time(end: dt.date) -> Q:
    # Local dates compared (§8.3). An item still unpublished at the end of P is not on time; an item
    # published on time is necessarily published before the end of P, since its due date is in P.
    return Q(published_day__isnull=False) & Q(published_day__lte=F("due_at")) & Q(published_day__lte=end)


def on_time_rate(agency: Agency, start: dt.date, end: dt.date, *, subtree: bool = True) -> Rate:
    """C1 of ``agency`` over the period ``start..end`` (inclusive), in one SQL query.

    C1 = items with ``due_at`` in P published (local date) on or before ``due_at`` / items with
    ``due_at`` in P. ``subtree`` counts the agency and every agency under it (materialised path);
    otherwise the agency's own items only. No item due in P gives ``rate = None`` (N/A, D5).
    """
    qs = _due_in(start, end)
    qs = qs.filter(agency__path__startswith=agency.path) if subtree else qs.filter(agency=agency)
    row = qs.aggregate(num=Count("pk", filter=_on_time(end)), den=Count("pk"))
    return Rate(row["num"] or 0, row["den"] or 0)


def on_time_rates(
    agencies: Iterable[Agency], start: dt.date, end: dt.date, *, subtree: bool = True
) -> dict[int, Rate]:
    """C1 per agency (by primary key) for many agencies in one SQL query.

    Without ``subtree`` the rows are grouped by agency. With it, each agency's subtree is a pair of
    conditional counts of the same query (subtrees may overlap, so a GROUP BY cannot express it).
    """
    agencies = list(agencies)
    if not agencies:
        return {}
    qs = _due_in(start, end)
    on_time = _on_time(end)
    if not subtree:
        rows = (
            qs.filter(agency__in=agencies)
            .values("agency")
            .annotate(num=Count("pk", filter=on_time), den=Count("pk"))
            .order_by()
        )
        found = {r["agency"]: Rate(r["num"], r["den"]) for r in rows}
        return {a.pk: found.get(a.pk, Rate(0, 0)) for a in agencies}
    aggregates = {}
    for a in agencies:
        inside = Q(agency__path__startswith=a.path)
        aggregates[f"num_{a.pk}"] = Count("pk", filter=inside & on_time)
        aggregates[f"den_{a.pk}"] = Count("pk", filter=inside)
    row = qs.aggregate(**aggregates)
    return {a.pk: Rate(row[f"num_{a.pk}"] or 0, row[f"den_{a.pk}"] or 0) for a in agencies}


# --- Public reads -------------------------------------------------------------------------------


def published_articles(query: str = "", category: str = "") -> QuerySet[Article]:
    qs = (
        Article.objects.filter(published_at__isnull=False, published_at__lte=timezone.now())
        .select_related("agency")
        .only(*ARTICLE_LIST_FIELDS)
        .order_by("-published_at", "-pk")
    )
    if category:
        qs = qs.filter(category=category)
    for word in fold(query).split():
        qs = qs.filter(search_folded__contains=word)
    return qs


def published_article(slug: str) -> Article:
    try:
        return (
            Article.objects.filter(published_at__isnull=False, published_at__lte=timezone.now())
            .select_related("agency")
            .prefetch_related("attachments")
            .get(slug=slug)
        )
    except Article.DoesNotExist as exc:
        raise Http404 from exc


def public_agency(slug: str) -> Agency:
    try:
        return Agency.objects.select_related("administrative_unit", "parent").get(slug=slug)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc


@dataclasses.dataclass(frozen=True)
class ContactBlock:
    contact: UnitContact
    stale: bool


def current_contacts(agency: Agency, day: dt.date | None = None) -> list[ContactBlock]:
    """The contacts in force on ``day``, one per kind, flagged stale when not re-confirmed in time."""
    day = day or timezone.localdate()
    limit = rules.confirm_days(day)
    threshold = timezone.now() - dt.timedelta(days=limit)
    rows = (
        UnitContact.objects.filter(agency=agency, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("kind", "-valid_from")
    )
    seen: dict[str, ContactBlock] = {}
    for contact in rows:
        if contact.kind not in seen:
            seen[contact.kind] = ContactBlock(contact, contact.confirmed_at < threshold)
    order = list(UnitContact.Kind.values)
    return sorted(seen.values(), key=lambda b: order.index(b.contact.kind))


def published_items(agency: Agency, limit: int = 20) -> QuerySet[PublicationItem]:
    return PublicationItem.objects.filter(agency=agency, published_at__isnull=False).order_by(
        "-published_at"
    )[:limit]


# --- Staff reads --------------------------------------------------------------------------------


def staff_agency(user, slug: str) -> Agency:
    try:
        return restrict(Agency.objects.select_related("administrative_unit"), user).get(slug=slug)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc


def register(agency: Agency) -> QuerySet[PublicationItem]:
    """The agency's own register: unpublished first (by due date), then the published ones."""
    return PublicationItem.objects.filter(agency=agency).order_by(
        F("published_at").desc(nulls_first=True), "due_at", "pk"
    )


def staff_item(user, pk: int) -> PublicationItem:
    qs = restrict(PublicationItem.objects.select_related("agency"), user, "agency")
    try:
        return qs.get(pk=pk)
    except PublicationItem.DoesNotExist as exc:
        raise Http404 from exc


def staff_contact(user, pk: int) -> UnitContact:
    qs = restrict(UnitContact.objects.select_related("agency"), user, "agency")
    try:
        return qs.get(pk=pk)
    except UnitContact.DoesNotExist as exc:
        raise Http404 from exc


def staff_article(user, pk: int) -> Article:
    qs = restrict(Article.objects.select_related("agency", "publication_item"), user, "agency")
    try:
        return qs.get(pk=pk)
    except Article.DoesNotExist as exc:
        raise Http404 from exc


def agency_articles(agency: Agency) -> QuerySet[Article]:
    return Article.objects.filter(agency=agency).order_by(F("published_at").desc(nulls_first=True), "-pk")


def open_items(agency: Agency) -> QuerySet[PublicationItem]:
    return PublicationItem.objects.filter(agency=agency, published_at__isnull=True).order_by("due_at")
