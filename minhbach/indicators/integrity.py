"""Integrity flags: gaming of the indicators made visible (DOMAIN.md §5.11, §7.4).

Flags never change a score; they are published beside a unit's scores as evidence for review and
for the revocation grounds of Luật Thi đua, khen thưởng 2022 Chương VII. Each flag is a queryset
of the records concerned (for the drill-down) and a count per agency in one grouped query; a
unit's figure is the sum over its subtree.

The thresholds are policy, hence data: they are read from the rule set of domain ``indicators``
in force on the last day of the period, key ``settings["integrity"]``, with the defaults below
when no rule set (or no key) exists. Suggested seed (code ``vn-integrity``)::

    {"integrity": {"resubmit_window_days": 30, "late_supplement_share_percent": 10,
                   "backdated_receipt_hours": 1, "undelivered_after_days": 5}}

Definitions (period P = local days ``start..end``):

* ``resubmit`` — a dossier accepted in P at a desk whose applicant (identity as in ``dossiers.onego``:
  citizen ID, else tax code, else name and phone) withdrew a dossier of the same procedure in the
  ``resubmit_window_days`` before the acceptance: a withdrawal that hides a late dossier.
* ``late_supplement`` — a dossier with a supplement request after acceptance, made in P, in the
  last ``late_supplement_share_percent`` of the time between acceptance and the original due
  moment (the request stops the clock, §5.6 rule 7, so a request at the last minute saves a
  late dossier). DOMAIN.md speaks of "the last working day"; the share is the approximation the
  database can compute without the calendar.
* ``backdated`` — a dossier accepted in P whose record was created more than
  ``backdated_receipt_hours`` after ``accepted_at`` (a receipt entered after the fact).
* ``late_apology`` — an apology slip (Mẫu 04) issued in P after the due moment, or marked late
  (less than one working day before it, NĐ 61/2018 Điều 21 khoản 5).
* ``kiosk_rating`` — current ratings made in P from the counter device rather than from the
  citizen's own phone (§7.4); the counts per channel are shown beside.
* ``feedback_unpublished`` — PAKN items whose timer started in P and that ended without
  publication although answered: refused or forwarded with an answer written, or approved and
  still unpublished after the publication due moment (§6.3, §6.4).
* ``undelivered`` — a dossier finished (status 9) in P whose result was not returned (status 10)
  within ``undelivered_after_days`` calendar days (or is still not returned).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minhbach.core.dbfunctions import Shifted
from minhbach.core.selectors import ruleset_in_force
from minhbach.dossiers.models import Dossier, Extension, Status, SupplementRequest
from minhbach.dossiers.onego import same_applicant
from minhbach.units.models import Agency

DEFAULTS: dict[str, int] = {
    "resubmit_window_days": 30,
    "late_supplement_share_percent": 10,
    "backdated_receipt_hours": 1,
    "undelivered_after_days": 5,
}


def thresholds(on: dt.date) -> dict[str, int]:
    """The numbers of the ``indicators`` rule set in force on ``on`` (``settings["integrity"]``)."""
    ruleset = ruleset_in_force("indicators", on)
    configured = ((ruleset.settings if ruleset else {}) or {}).get("integrity") or {}
    out = {}
    for key, default in DEFAULTS.items():
        try:
            out[key] = int(configured.get(key, default))
        except (TypeError, ValueError):
            out[key] = default
    return out


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _in(field: str, start: dt.date, end: dt.date) -> Q:
    low, high = _bounds(start, end)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def _shift(field: str, delta: dt.timedelta) -> Shifted:
    return Shifted(F(field), delta)


def _dossier_agency() -> Coalesce:
    return Coalesce("handling_agency_id", "receiving_agency_id")


def resubmitted(start: dt.date, end: dt.date, rules: dict[str, int]) -> QuerySet[Dossier]:
    # Native date arithmetic (core.dbfunctions): Django's own shift is a Python call per row on SQLite.
    window = Shifted(OuterRef("accepted_at"), -dt.timedelta(days=rules["resubmit_window_days"]))
    # Same desk, as in the one-go rule (§5.7 rule 3): it also lets the database use the
    # (receiving_agency, status) index instead of scanning every withdrawal for every dossier.
    withdrawn = (
        Dossier.objects.filter(
            receiving_agency=OuterRef("receiving_agency"),
            status=Status.WITHDRAWN,
            procedure_version__procedure=OuterRef("procedure_version__procedure"),
            ended_at__lt=OuterRef("accepted_at"),
        )
        # Cheap equalities first, the date window last.
        .filter(same_applicant())
        .filter(ended_at__gte=window)
        .exclude(pk=OuterRef("pk"))
    )
    # A necessary condition first: the applicant shares a key with the applicant of a withdrawal
    # that ended in the period or the window before it. Each IN is one small hashed set (the
    # withdrawals of the period), so the correlated EXISTS runs only for those candidates instead
    # of for every dossier of the period (1,000,000 dossiers on PostgreSQL: 12 s → 2.2 s).
    low, high = _bounds(start, end)
    gone = Dossier.objects.filter(
        status=Status.WITHDRAWN,
        ended_at__gte=low - dt.timedelta(days=rules["resubmit_window_days"]),
        ended_at__lt=high,
    )
    candidates = (
        Q(owner__citizen_id__in=gone.exclude(owner__citizen_id="").values("owner__citizen_id"))
        | Q(owner__tax_code__in=gone.exclude(owner__tax_code="").values("owner__tax_code"))
        | Q(owner__phone__in=gone.exclude(owner__phone="").values("owner__phone"))
    )
    return Dossier.objects.filter(_in("accepted_at", start, end)).filter(candidates).filter(Exists(withdrawn))


def late_supplement(start: dt.date, end: dt.date, rules: dict[str, int]) -> QuerySet[Dossier]:
    share = max(0, min(100, rules["late_supplement_share_percent"]))
    # requested − accepted > (1 − share) × (due − accepted), in integers so that SQLite (durations
    # in microseconds) and PostgreSQL (intervals) compute the same comparison.
    elapsed = ExpressionWrapper(
        (F("requested_at") - OuterRef("accepted_at")) * Value(100), output_field=DurationField()
    )
    allowed = ExpressionWrapper(
        (OuterRef("due_for_flag") - OuterRef("accepted_at")) * Value(100 - share),
        output_field=DurationField(),
    )
    requests = (
        SupplementRequest.objects.filter(dossier=OuterRef("pk"), stage=Dossier.Stage.AFTER_ACCEPTANCE)
        .filter(_in("requested_at", start, end))
        .alias(elapsed=elapsed, allowed=allowed)
        .filter(elapsed__gt=F("allowed"))
    )
    return (
        Dossier.objects.filter(accepted_at__isnull=False)
        .alias(due_for_flag=Coalesce("original_due_at", "effective_due_at"))
        .filter(due_for_flag__isnull=False)
        .filter(Exists(requests))
    )


def backdated(start: dt.date, end: dt.date, rules: dict[str, int]) -> QuerySet[Dossier]:
    hours = dt.timedelta(hours=rules["backdated_receipt_hours"])
    return Dossier.objects.filter(_in("accepted_at", start, end)).filter(
        created_at__gt=_shift("accepted_at", hours)
    )


def late_apology(start: dt.date, end: dt.date, rules: dict[str, int]) -> QuerySet[Dossier]:
    late = (
        Extension.objects.filter(dossier=OuterRef("pk"))
        .filter(_in("issued_at", start, end))
        .filter(Q(apology_late=True) | Q(issued_at__gt=OuterRef("due_for_flag")))
    )
    return Dossier.objects.alias(due_for_flag=Coalesce("original_due_at", "effective_due_at")).filter(
        Exists(late)
    )


def undelivered(start: dt.date, end: dt.date, rules: dict[str, int]) -> QuerySet[Dossier]:
    days = dt.timedelta(days=rules["undelivered_after_days"])
    _low, high = _bounds(start, end)
    as_of = min(high, timezone.now())
    never = Q(status=Status.FINISHED, returned_at__isnull=True, finished_at__lt=as_of - days)
    slow = Q(returned_at__gt=_shift("finished_at", days))
    return Dossier.objects.filter(_in("finished_at", start, end)).filter(never | slow)


def kiosk_ratings(start: dt.date, end: dt.date, rules: dict[str, int]) -> QuerySet:
    from minhbach.ratings.models import Rating, RatingChannel

    return Rating.objects.filter(_in("created_at", start, end), superseded=False, channel=RatingChannel.KIOSK)


def feedback_unpublished(start: dt.date, end: dt.date, rules: dict[str, int]) -> QuerySet:
    from minhbach.feedback.models import Feedback, State

    _low, high = _bounds(start, end)
    as_of = min(high, timezone.now())
    ended_with_answer = Q(state__in=(State.REFUSED, State.FORWARDED)) & ~Q(answer="")
    stuck = Q(approved_at__isnull=False, published_at__isnull=True, publish_due_at__lt=as_of)
    return Feedback.objects.filter(_in("timer_start", start, end)).filter(ended_with_answer | stuck)


@dataclasses.dataclass(frozen=True)
class Flag:
    code: str
    label: str
    explanation: str
    kind: str  # what the records are: "dossier", "rating", "feedback"
    records: Callable[[dt.date, dt.date, dict[str, int]], QuerySet]
    agency: Any  # the expression (or lookup) that gives the agency of a record


FLAGS: tuple[Flag, ...] = (
    Flag(
        "resubmit",
        _("Rút rồi nộp lại"),
        _(
            "Hồ sơ được tiếp nhận trong kỳ mà cùng người nộp đã rút một hồ sơ "
            "cùng thủ tục trong %(resubmit_window_days)s ngày trước đó."
        ),
        "dossier",
        resubmitted,
        _dossier_agency,
    ),
    Flag(
        "late_supplement",
        _("Yêu cầu bổ sung sát hạn"),
        _(
            "Yêu cầu bổ sung sau tiếp nhận được lập trong "
            "%(late_supplement_share_percent)s%% thời gian cuối trước hạn trả ban đầu."
        ),
        "dossier",
        late_supplement,
        _dossier_agency,
    ),
    Flag(
        "backdated",
        _("Nhập phiếu tiếp nhận muộn"),
        _(
            "Hồ sơ được nhập vào hệ thống sau thời điểm tiếp nhận "
            "ghi trên phiếu hơn %(backdated_receipt_hours)s giờ."
        ),
        "dossier",
        backdated,
        _dossier_agency,
    ),
    Flag(
        "late_apology",
        _("Xin lỗi sau hạn"),
        _("Phiếu xin lỗi và hẹn lại được lập sau hạn giải quyết hoặc muộn hơn quy định."),
        "dossier",
        late_apology,
        _dossier_agency,
    ),
    Flag(
        "undelivered",
        _("Xong nhưng chưa trả kết quả"),
        _("Hồ sơ đã xử lý xong trong kỳ nhưng không trả kết quả trong %(undelivered_after_days)s ngày."),
        "dossier",
        undelivered,
        _dossier_agency,
    ),
    Flag(
        "kiosk_rating",
        _("Đánh giá tại thiết bị ở quầy"),
        _("Đánh giá được thực hiện trên thiết bị đặt tại quầy, không phải trên điện thoại của người dân."),
        "rating",
        kiosk_ratings,
        lambda: Coalesce("dossier__handling_agency_id", "dossier__receiving_agency_id"),
    ),
    Flag(
        "feedback_unpublished",
        _("PAKN có trả lời nhưng không công khai"),
        _(
            "Phản ánh, kiến nghị đã có nội dung "
            "trả lời mà bị từ chối, chuyển đi, hoặc chưa công khai quá hạn công khai."
        ),
        "feedback",
        feedback_unpublished,
        lambda: F("agency_id"),
    ),
)
FLAG_BY_CODE = {flag.code: flag for flag in FLAGS}


def explanation(flag: Flag, rules: dict[str, int]) -> str:
    return str(flag.explanation) % rules


def records(flag: Flag, agencies: Sequence[Agency], start: dt.date, end: dt.date) -> QuerySet:
    """The records of one flag for the agencies (a subtree) in the period."""
    rules = thresholds(end)
    return (
        flag.records(start, end, rules)
        .alias(flag_agency=flag.agency())
        .filter(flag_agency__in=[a.pk for a in agencies])
    )


def counts_by_agency(flag: Flag, start: dt.date, end: dt.date, agency_ids: Sequence[int]) -> dict[int, int]:
    """One grouped query: the flag's count per agency."""
    rows = (
        flag.records(start, end, thresholds(end))
        .annotate(flag_agency=flag.agency())
        .filter(flag_agency__in=list(agency_ids))
        .values("flag_agency")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["flag_agency"]: row["n"] for row in rows}


def counts(
    units: Sequence[Agency], start: dt.date, end: dt.date, agencies: Sequence[Agency]
) -> dict[int, dict[str, int]]:
    """Per unit (with its subtree, ``agencies`` being every agency of the subtrees), per flag."""
    ids = [a.pk for a in agencies]
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for flag in FLAGS:
        per_agency = counts_by_agency(flag, start, end, ids)
        for unit in units:
            out[unit.pk][flag.code] = sum(
                per_agency.get(a.pk, 0) for a in agencies if a.path.startswith(unit.path)
            )
    return out


def rating_channels(agencies: Sequence[Agency], start: dt.date, end: dt.date) -> dict[str, int]:
    """Current ratings made in P per channel (kiosk vs the citizen's phone vs the portal), one query."""
    from minhbach.ratings.models import Rating

    rows = (
        Rating.objects.filter(_in("created_at", start, end), superseded=False)
        .alias(flag_agency=Coalesce("dossier__handling_agency_id", "dossier__receiving_agency_id"))
        .filter(flag_agency__in=[a.pk for a in agencies])
        .values("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["channel"]: row["n"] for row in rows}
