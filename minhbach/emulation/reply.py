"""Right of reply (DOMAIN.md §10.9): provisional results → reply window → decisions → final results.

The pattern is mySociety's "First Mark → Right of Reply → Audit": each unit sees its figures and
the evidence rows behind them, objects within a window of working days (default 5, the criteria
set's ``reply_working_days``), and the standing body (Phòng Nội vụ) accepts or rejects each
objection with written reasons. An accepted objection records a ``ManualValue`` (override with
actor, reason and time, §10.15) and recomputes the review as a new version, which re-ranks; the
objection log stays beside the results for the council. Only a published review goes to an award
round (§10.10).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.core.workdays.calendar import compute_due
from minhbach.core.workdays.engine import TimeUnit
from minhbach.emulation import evaluation as scoring
from minhbach.emulation import services
from minhbach.emulation.models import Criterion, Evaluation, Objection, ReplyWindow, Review, Subject
from minhbach.emulation.services import EmulationError

DEFAULT_WORKING_DAYS = 5
MAX_UPLOAD = 10 * 1024 * 1024


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _fmt(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M ngày %d/%m/%Y}"


def latest_evaluation(review: Review) -> Evaluation | None:
    return review.evaluations.order_by("-version").first()


def current_window(review: Review, at: dt.datetime | None = None) -> ReplyWindow | None:
    """The window open at ``at`` (now), if any."""
    at = at or timezone.now()
    for window in review.reply_windows.filter(closed_at__isnull=True, closes_at__gt=at, opened_at__lte=at):
        return window
    return None


@transaction.atomic
def reply_window_open(
    *, actor: Any, review: Review, working_days: int | None = None, at: dt.datetime | None = None
) -> ReplyWindow:
    """Publish the latest version to the units and open the reply window (§10.9 steps 1–2).

    The last day is counted on the working-day calendar of the launching agency (holidays,
    make-up days), from the day after opening.
    """
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("movement__criteria_set", "movement__launching_agency")
        .get(pk=review.pk)
    )
    if review.published_at is not None:
        raise EmulationError(_("Kết quả của đợt này đã công bố chính thức; không mở lại thời hạn phản hồi."))
    ev = latest_evaluation(review)
    if ev is None:
        raise EmulationError(_("Đợt này chưa được tính điểm: chưa có kết quả để các đơn vị phản hồi."))
    at = at or timezone.now()
    if current_window(review, at) is not None:
        raise EmulationError(_("Đợt này đang trong thời hạn phản hồi; hãy đóng thời hạn hiện tại trước."))
    if working_days is None:
        working_days = int(
            review.movement.criteria_set.settings.get("reply_working_days", DEFAULT_WORKING_DAYS)
        )
    if not 1 <= working_days <= 30:
        raise EmulationError(_("Thời hạn phản hồi phải từ 1 đến 30 ngày làm việc."))
    deadline = compute_due(
        timezone.localtime(at).date(),
        working_days,
        TimeUnit.WORKING_DAY,
        agency=review.movement.launching_agency,
    )
    window = ReplyWindow.objects.create(
        review=review,
        evaluation=ev,
        working_days=working_days,
        opened_at=at,
        last_day=deadline.due_date,
        closes_at=deadline.due_at,
        opened_by=_user(actor),
    )
    ledger.record(
        actor=actor,
        action="emulation.reply_window_open",
        obj=window,
        unit_code=review.movement.launching_agency.electronic_code,
        payload={
            "review": review.pk,
            "evaluation": ev.pk,
            "version": ev.version,
            "working_days": working_days,
            "last_day": deadline.due_date,
        },
    )
    return window


@transaction.atomic
def reply_window_close(*, actor: Any, window: ReplyWindow, at: dt.datetime | None = None) -> ReplyWindow:
    """Close the window early (or record its close); objections filed after it are refused."""
    window = ReplyWindow.objects.select_for_update(of=("self",)).get(pk=window.pk)
    if window.closed_at is not None:
        raise EmulationError(_("Thời hạn phản hồi này đã đóng."))
    window.closed_at = at or timezone.now()
    window.closed_by = _user(actor)
    window.save(update_fields=["closed_at", "closed_by"])
    ledger.record(
        actor=actor,
        action="emulation.reply_window_close",
        obj=window,
        payload={"closed_at": window.closed_at, "scheduled_end": window.closes_at},
    )
    return window


@transaction.atomic
def objection_file(
    *,
    actor: Any,
    review: Review,
    agency: Any,
    criterion_code: str,
    text: str,
    official: Any = None,
    evidence_ref: str = "",
    attachment: Any = None,
    at: dt.datetime | None = None,
) -> Objection:
    """A unit's objection to one criterion (or one evidence row) of its own or its nominee's results.

    Refused outside the window, for a criterion the participant does not have, or for an
    official the unit did not register (§10.9 step 2).
    """
    text = (text or "").strip()
    if not text:
        raise EmulationError(_("Vui lòng nêu nội dung phản hồi."))
    at = at or timezone.now()
    window = current_window(review, at)
    if window is None:
        last = review.reply_windows.order_by("-opened_at").first()
        if last is None:
            raise EmulationError(
                _("Chưa mở thời hạn phản hồi kết quả của đợt này; chưa nhận ý kiến phản hồi.")
            )
        end = last.closed_at or last.closes_at
        raise EmulationError(
            _(
                "Đã hết thời hạn phản hồi kết quả (kết thúc lúc %(end)s); ý kiến gửi sau thời hạn "
                "không được tiếp nhận."
            )
            % {"end": _fmt(end)}
        )
    ev = window.evaluation
    standing = ev.standings.filter(agency=None if official is not None else agency, official=official).first()
    if standing is None or (official is not None and standing.nominating_agency_id != agency.pk):
        raise EmulationError(
            _("Đối tượng này không có trong kết quả của đơn vị ở phiên bản đang lấy ý kiến.")
        )
    subject = Subject.INDIVIDUAL if official is not None else Subject.COLLECTIVE
    if not Criterion.objects.filter(
        criteria_set=ev.criteria_set_id, subject=subject, code=criterion_code
    ).exists():
        raise EmulationError(_("Không có tiêu chí “%(code)s” cho đối tượng này.") % {"code": criterion_code})
    evidence_ref = (evidence_ref or "").strip()
    if evidence_ref:
        result = ev.criterion_results.filter(
            criterion__code=criterion_code, agency=standing.agency_id, official=standing.official_id
        ).first()
        if result is None or evidence_ref not in _evidence_refs(result.evidence):
            raise EmulationError(
                _("Dòng minh chứng “%(ref)s” không thuộc tiêu chí này.") % {"ref": evidence_ref}
            )
    if attachment is not None and getattr(attachment, "size", 0) > MAX_UPLOAD:
        raise EmulationError(_("Tệp đính kèm không được quá 10 MB."))
    objection = Objection(
        window=window,
        evaluation=ev,
        agency=agency,
        official=official,
        criterion_code=criterion_code,
        evidence_ref=evidence_ref,
        text=text,
        filed_by=_user(actor),
        filed_at=at,
    )
    if attachment:
        objection.attachment = attachment
    objection.save()
    ledger.record(
        actor=actor,
        action="emulation.objection_file",
        obj=objection,
        unit_code=getattr(agency, "electronic_code", "") or "",
        payload={
            "review": review.pk,
            "evaluation": ev.pk,
            "agency": agency.pk,
            "official": getattr(official, "pk", None),
            "criterion": criterion_code,
            "evidence": evidence_ref,
            "text": text,
            "attachment": objection.attachment.name if objection.attachment else "",
        },
    )
    return objection


def _evidence_refs(evidence: dict[str, Any]) -> set[str]:
    """``kind:id`` of every row behind a result (the same ids the participant page links to)."""
    kind = (evidence or {}).get("kind", "")
    refs = {f"{kind}:{pk}" for pk in (evidence or {}).get("ids", [])}
    refs |= {f"feedback:{pk}" for pk in (evidence or {}).get("pending_ids", [])}
    refs |= {f"discipline:{pk}" for pk in (evidence or {}).get("discipline_ids", [])}
    refs |= {f"verification:{pk}" for pk in (evidence or {}).get("verification_ids", [])}
    return refs


@transaction.atomic
def objection_decide(
    *,
    actor: Any,
    objection: Objection,
    accept: bool,
    reason: str,
    value: Any = None,
    reevaluate: bool = True,
) -> Objection:
    """Accept (override + new version, which re-ranks) or reject an objection, with reasons (§10.9 step 3).

    The re-evaluation keeps the seed and the "as of" day of the version the unit objected to,
    so the correction is the only change between the two versions.
    """
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("window__review", "evaluation")
        .get(pk=objection.pk)
    )
    if objection.status != Objection.Status.PENDING:
        raise EmulationError(_("Ý kiến phản hồi này đã được xem xét."))
    reason = (reason or "").strip()
    if not reason:
        raise EmulationError(_("Vui lòng nêu lý do chấp nhận hoặc không chấp nhận ý kiến phản hồi."))
    review = objection.window.review
    if review.published_at is not None:
        raise EmulationError(_("Kết quả của đợt này đã công bố chính thức."))
    now = timezone.now()
    objection.decision_reason, objection.decided_at, objection.decided_by = reason, now, _user(actor)
    if accept:
        if value is None or value == "":
            raise EmulationError(_("Chấp nhận ý kiến phản hồi cần giá trị điều chỉnh của tiêu chí."))
        objection.manual_value = services.manual_value_enter(
            actor=actor,
            review=review,
            criterion_code=objection.criterion_code,
            value=value,
            reason=_("Chấp nhận ý kiến phản hồi số %(n)s: %(reason)s")
            % {"n": objection.pk, "reason": reason},
            agency=None if objection.official_id else objection.agency,
            official=objection.official,
        )
        objection.status = Objection.Status.ACCEPTED
    else:
        objection.status = Objection.Status.REJECTED
    objection.save()
    ledger.record(
        actor=actor,
        action=f"emulation.objection_{objection.status}",
        obj=objection,
        payload={
            "reason": reason,
            "value": objection.manual_value.value if objection.manual_value else None,
            "manual_value": objection.manual_value_id,
        },
    )
    if accept and reevaluate:
        base = latest_evaluation(review) or objection.evaluation
        new = scoring.review_evaluate(
            actor=actor,
            review=review,
            seed=base.draw_seed,
            as_of=base.as_of,
            reason=_("Điều chỉnh theo ý kiến phản hồi số %(n)s được chấp nhận") % {"n": objection.pk},
        )
        objection.reevaluation = new
        objection.save(update_fields=["reevaluation"])
    return objection


@transaction.atomic
def review_publish(*, actor: Any, review: Review, at: dt.datetime | None = None) -> Review:
    """Publish the final version with its objection log (§10.9 step 4); it can no longer be recomputed."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("movement__launching_agency")
        .get(pk=review.pk)
    )
    if review.published_at is not None:
        raise EmulationError(_("Kết quả của đợt này đã được công bố."))
    ev = latest_evaluation(review)
    if ev is None:
        raise EmulationError(_("Đợt này chưa được tính điểm."))
    at = at or timezone.now()
    if not review.reply_windows.exists():
        raise EmulationError(_("Cần lấy ý kiến phản hồi của các đơn vị trước khi công bố kết quả."))
    if current_window(review, at) is not None:
        raise EmulationError(
            _("Chưa hết thời hạn phản hồi; hãy chờ hết hạn hoặc đóng thời hạn trước khi công bố.")
        )
    pending = Objection.objects.filter(window__review=review, status=Objection.Status.PENDING).count()
    if pending:
        raise EmulationError(
            _("Còn %(n)d ý kiến phản hồi chưa được xem xét; hãy xem xét hết trước khi công bố.")
            % {"n": pending}
        )
    review.published_at, review.status = at, Review.Status.PUBLISHED
    review.save(update_fields=["published_at", "status"])
    objections = Objection.objects.filter(window__review=review)
    ledger.record(
        actor=actor,
        action="emulation.review_publish",
        obj=review,
        unit_code=review.movement.launching_agency.electronic_code,
        payload={
            "evaluation": ev.pk,
            "version": ev.version,
            "inputs_hash": ev.inputs_hash,
            "objections": {
                "accepted": objections.filter(status=Objection.Status.ACCEPTED).count(),
                "rejected": objections.filter(status=Objection.Status.REJECTED).count(),
            },
        },
    )
    return review
