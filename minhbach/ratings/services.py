"""Writes of satisfaction ratings (DOMAIN.md §7.1, §7.4).

``rating_submit`` is the only write: it checks that the result has been returned (status 10),
spends the QR token if one is given, supersedes the dossier's current rating (latest wins, history
kept) and records one ledger event that names neither the level nor the dossier, so the ledger,
which officers can read, does not attribute a rating either.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minhbach.core import ledger
from minhbach.core.selectors import ruleset_in_force
from minhbach.dossiers.models import Dossier, Status
from minhbach.dossiers.signals import dossiers_changed
from minhbach.ratings import tokens
from minhbach.ratings.models import COMMENT_MAX_LENGTH, CRITERIA, Rating, RatingChannel, RatingTokenUse


@dataclasses.dataclass(frozen=True)
class Level:
    code: str
    label: Any  # str, or a lazy translation for the defaults
    satisfied: bool


# Used when the one-stop rule set has no ``ratings.levels`` (DOMAIN.md §7.1: only the first two
# levels count as satisfied).
DEFAULT_LEVELS: tuple[Level, ...] = (
    Level("very_satisfied", _("Rất hài lòng"), True),
    Level("satisfied", _("Hài lòng"), True),
    Level("neutral", _("Bình thường"), False),
    Level("dissatisfied", _("Không hài lòng"), False),
)


class RatingRefused(ValidationError):
    """A rating that must not be written; ``status`` is the HTTP status a page should answer."""

    def __init__(self, message: Any, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def levels_in_force(day=None) -> tuple[Level, ...]:
    """Levels of the one-stop rule set in force on ``day``: ``settings["ratings"]["levels"]``, a list
    of ``{"code", "label", "satisfied"}``; the four default levels when the rule set has none."""
    ruleset = ruleset_in_force("onestop", day or timezone.localdate())
    raw = ((ruleset.settings if ruleset else {}).get("ratings") or {}).get("levels")
    if not raw:
        return DEFAULT_LEVELS
    return tuple(Level(str(item["code"]), str(item["label"]), bool(item.get("satisfied"))) for item in raw)


def _clean_criteria(criteria: dict[str, int] | None) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for key, value in (criteria or {}).items():
        if value is None or value == "":
            continue
        if key not in {str(n) for n in range(1, len(CRITERIA) + 1)} or int(value) not in (0, 1, 2):
            raise RatingRefused(_("Điểm tiêu chí không hợp lệ (mỗi tiêu chí 0, 1 hoặc 2)."))
        cleaned[key] = int(value)
    return cleaned


@transaction.atomic
def rating_submit(
    *,
    dossier: Dossier,
    level: str,
    channel: str,
    criteria: dict[str, int] | None = None,
    comment: str = "",
    token: str | None = None,
) -> Rating:
    """Record a rating of a returned dossier; refuse (and write nothing) otherwise.

    ``token`` is required for the QR channel and spent here: a second use raises ``RatingRefused``
    with status 409. No actor is taken: a rating is anonymous by design (§7.4).
    """
    if channel not in RatingChannel.values:
        raise RatingRefused(_("Kênh đánh giá không hợp lệ."))
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status != Status.RETURNED:
        raise RatingRefused(
            _("Hồ sơ chưa được trả kết quả. Ông/bà có thể đánh giá sau khi nhận kết quả."), status=400
        )
    by_code = {lv.code: lv for lv in levels_in_force()}
    if level not in by_code:
        raise RatingRefused(_("Vui lòng chọn một mức độ hài lòng."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise RatingRefused(_("Ý kiến quá dài (tối đa %(n)d ký tự).") % {"n": COMMENT_MAX_LENGTH})
    cleaned = _clean_criteria(criteria)
    if channel == RatingChannel.QR:
        if not token or not tokens.token_matches(locked.code or "", token):
            raise RatingRefused(_("Liên kết đánh giá không hợp lệ."), status=400)
        try:
            with transaction.atomic():
                RatingTokenUse.objects.create(digest=tokens.digest(token))
        except IntegrityError:
            raise RatingRefused(
                _("Mã đánh giá trên phiếu hẹn này đã được sử dụng. Mỗi mã chỉ dùng để đánh giá một lần."),
                status=409,
            ) from None
    # Latest wins, whatever the channel: a kiosk rating after a QR rating supersedes it (§7.1);
    # the share of kiosk ratings is published beside the rate so that a unit leaning on its own
    # counter devices shows (§7.4).
    replaced = Rating.objects.filter(dossier=locked, superseded=False).update(superseded=True)
    rating = Rating.objects.create(
        dossier=locked,
        level=level,
        satisfied=by_code[level].satisfied,
        criteria=cleaned,
        comment=comment,
        channel=channel,
    )
    ledger.record(
        actor=None,
        action="rating.submit",
        obj=rating,
        unit_code=locked.receiving_agency.electronic_code,
        payload={"channel": channel, "supersedes": replaced},
    )
    # The rating changes the dossier's 5.4 and survey counters (indicators' rollups).
    dossiers_changed.send(Dossier, dossier_ids=[locked.pk])
    return rating
