"""Public reads of the Open311 interface: which PAKN are listed and how one is represented.

Status mapping (GeoReport v2 knows only ``open`` and ``closed``; DOMAIN.md §6.3):

=========================  ========  ==================================================
PAKN state                 status    status_notes
=========================  ========  ==================================================
``published``              closed    the published answer (redacted, §6.6)
``refused``                closed    the refusal reason (redacted)
``forwarded``              closed    the forwarding note (redacted)
every other state          open      empty
=========================  ========  ==================================================

An item forwarded inside minhbach goes back to ``received`` at the competent unit (transitions.py),
so it stays ``open`` with that unit as ``agency_responsible``; ``forwarded`` is terminal only for an
item handed to a body outside the system.

What is never output (NĐ 13/2023/NĐ-CP; DOMAIN.md §6.6): the sender's name, address, phone and
e-mail, and the text the citizen typed. ``description`` is the redacted question an officer confirmed
when publishing (``question_redacted``), empty until then; ``address`` is always empty.

Which items are listed: every item that is not anonymous and not out of scope, plus every published
item. Anonymous items are information only (NĐ 20/2008 Điều 7) and complaints and denunciations
(``out_of_scope``, Điều 1) follow their own laws — the Luật Tố cáo protects the denouncer — so
their existence is not public until staff publish them, and then only with the redacted question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from minhbach.core.redaction import redact
from minhbach.core.workdays import engine
from minhbach.feedback import sla
from minhbach.feedback.models import Category, Feedback, FeedbackEvent, State

CLOSED_STATES = (State.PUBLISHED, State.REFUSED, State.FORWARDED)
MAX_RESULTS = 1000
DEFAULT_WINDOW = dt.timedelta(days=90)
#: Columns a public read never loads: the sender and the original text stay in the database.
PRIVATE_FIELDS = ("sender_name", "sender_address", "sender_phone", "sender_email", "text", "title",
                  "search_folded")  # fmt: skip


def status_of(state: str) -> str:
    return "closed" if state in CLOSED_STATES else "open"


def visible() -> QuerySet[Feedback]:
    """The items the public API may show, with the columns a representation needs (one query)."""
    events = FeedbackEvent.objects.filter(feedback=OuterRef("pk"))
    return (
        Feedback.objects.filter(Q(published_at__isnull=False) | Q(anonymous=False, out_of_scope=False))
        .select_related("agency")
        .defer(*PRIVATE_FIELDS)
        .annotate(
            updated_at=Subquery(events.order_by("-at", "-pk").values("at")[:1]),
            forward_note=Subquery(events.filter(action="forward").order_by("-at", "-pk").values("note")[:1]),
        )
    )


def search(
    *,
    codes: Iterable[str] = (),
    service_codes: Iterable[str] = (),
    statuses: Iterable[str] = (),
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[Feedback]:
    """GET /requests: ``codes`` overrides every other filter (GeoReport v2); at most 1000 rows."""
    qs = visible()
    codes = list(codes)
    if codes:
        return qs.filter(code__in=codes).order_by("-received_at")[:MAX_RESULTS]
    if service_codes := list(service_codes):
        qs = qs.filter(category__in=service_codes)
    statuses = set(statuses)
    if statuses == {"open"}:
        qs = qs.exclude(state__in=CLOSED_STATES)
    elif statuses == {"closed"}:
        qs = qs.filter(state__in=CLOSED_STATES)
    if start is not None:
        qs = qs.filter(received_at__gte=start)
    if end is not None:
        qs = qs.filter(received_at__lte=end)
    return qs.order_by("-received_at")[:MAX_RESULTS]


def by_code(code: str) -> Feedback | None:
    return visible().filter(code=code).first()


def code_exists(code: str) -> bool:
    return Feedback.objects.filter(code=code).exists()


def _w3c(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return engine.to_local(moment).replace(microsecond=0).isoformat()


def _expected(item: Feedback, ctx: sla.Context) -> dt.datetime | None:
    """The ``answer`` SLA (§6.4) of an open item: office closing time of the due day, else 24:00."""
    if status_of(item.state) == "closed":
        return None
    try:
        deadline = sla.due_dates(item, ctx)["answer"]
    except (LookupError, ValueError):  # no calendar for those dates: say nothing rather than guess
        return None
    return deadline.office_close_at or deadline.due_at


def _notes(item: Feedback) -> str:
    agency = item.agency
    keep = [v for v in (agency.spokesperson_phone, agency.spokesperson_email) if v]
    if item.state == State.PUBLISHED:
        return redact(item.answer, keep=keep).text
    if item.state == State.REFUSED:
        return redact(item.refusal_reason, keep=keep).text
    if item.state == State.FORWARDED:
        return redact(item.forward_note or "", keep=keep).text
    return ""


def service_notice() -> str:
    return _(
        "Phản ánh, kiến nghị được xử lý theo Nghị định 20/2008/NĐ-CP; câu trả lời được công khai "
        "sau khi lãnh đạo đơn vị duyệt (Quyết định 31/2021/QĐ-TTg)."
    )


def represent(item: Feedback, ctx: sla.Context | None = None) -> dict[str, Any]:
    """One request as GeoReport v2 fields; never a field of the sender (see the module docstring)."""
    ctx = ctx or sla.Context()
    published = item.published_at is not None
    return {
        "service_request_id": item.code,
        "status": status_of(item.state),
        "status_notes": _notes(item),
        "service_name": str(Category(item.category).label),
        "service_code": item.category,
        "description": redact(item.question_redacted).text if published else "",
        "agency_responsible": item.agency.name,
        "service_notice": service_notice(),
        "address": "",
        "requested_datetime": _w3c(item.received_at),
        "updated_datetime": _w3c(getattr(item, "updated_at", None) or item.received_at),
        "expected_datetime": _w3c(_expected(item, ctx)),
        "media_url": "",
    }


def represent_all(items: Iterable[Feedback]) -> list[dict[str, Any]]:
    """Many requests with one SLA context: rule sets and calendars load once per agency, not per item."""
    ctx = sla.Context()
    return [represent(item, ctx) for item in items]
