"""Demo satisfaction ratings (DOMAIN.md §7) of the returned demo dossiers.

Most returned dossiers (status 10) are rated: mostly "Rất hài lòng" or "Hài lòng", some
"Bình thường" or "Không hài lòng", so that each desk's survey rate lands around 85–97%. Counter
dossiers are often rated on the kiosk, others through the receipt's QR code (the token is spent,
as ``rating_submit`` does) or on the portal. The volume follows the dossier demo, and so the
scale setting.

Written in bulk with the ledger's ``record_many``, equivalent to ``ratings.services.rating_submit``
for a first rating: the same ``Rating`` row (``satisfied`` from the levels in force), the spent
``RatingTokenUse`` for QR ratings and the same ledger event (``rating.submit``, channel and
``supersedes: 0``, never the level or the dossier code, §7.4). ``created_at`` is moved back to a
plausible moment after the return. A desk that already has ratings in the period is skipped.
Like the bulk dossier history, no ``dossiers_changed`` signal is sent: derived data (the
indicators' rollups) is rebuilt once after the whole demo, not per rating.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery

from minhbach.core import ledger
from minhbach.core.workdays import engine
from minhbach.dossiers.models import Dossier, Status
from minhbach.portal.demo.dossiers import END, START, places_of
from minhbach.portal.demo.units import DemoUnits
from minhbach.ratings import tokens
from minhbach.ratings.models import Rating, RatingChannel, RatingTokenUse
from minhbach.ratings.services import levels_in_force

SEED = 20230903
BATCH = 2000
RATED_SHARE = (0.5, 0.7)
SATISFIED_SHARE = (0.85, 0.97)
# Minutes from the return to the rating: at the counter right away, on a phone later (a few
# buckets, so that moving ``created_at`` back costs a few UPDATE statements, not one per rating).
OFFSETS = (5, 45, 180, 60 * 20, 60 * 44, 60 * 70)
COMMENTS = (
    "Cán bộ hướng dẫn tận tình.",
    "Trả kết quả đúng hẹn.",
    "Phải đi lại hai lần mới xong.",
    "Thời gian chờ hơi lâu.",
    "Nên có thêm ghế chờ ở Bộ phận Một cửa.",
)


@dataclasses.dataclass
class DemoRatings:
    ratings: int = 0
    satisfied: int = 0
    kiosk: int = 0
    skipped_places: int = 0

    @property
    def survey_rate(self) -> str:
        """Share of satisfied ratings among those written now, for the summary line ("–" if none)."""
        return f"{self.satisfied * 100 / self.ratings:.1f}" if self.ratings else "–"


@transaction.atomic
def load_ratings(units: DemoUnits, *, seed: int = SEED) -> DemoRatings:
    places = places_of(units)
    lo, hi = engine.end_of_day(START - engine.ONE_DAY), engine.end_of_day(END)
    returned = Dossier.objects.filter(status=Status.RETURNED, returned_at__gte=lo, returned_at__lt=hi)
    rated_desks = set(
        Rating.objects.filter(dossier__in=returned)
        .values_list("dossier__receiving_agency_id", flat=True)
        .distinct()
    )
    summary = DemoRatings(skipped_places=sum(p.desk.pk in rated_desks for p in places))
    todo = [p for p in places if p.desk.pk not in rated_desks]
    if not todo:
        return summary
    levels = levels_in_force(END)
    good = [lv for lv in levels if lv.satisfied]
    bad = [lv for lv in levels if not lv.satisfied]
    ratings: list[Rating] = []
    spent: list[RatingTokenUse] = []
    offsets: dict[int, int] = {}  # dossier pk -> minutes after the return
    units_of: dict[int, str] = {}
    rows = (
        returned.filter(receiving_agency__in=[p.desk for p in todo])
        .exclude(Exists(Rating.objects.filter(dossier=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "code", "channel", "receiving_agency_id", "receiving_agency__electronic_code")
    )
    by_desk: dict[int, list[tuple]] = {}
    for row in rows:
        by_desk.setdefault(row[3], []).append(row)
    for place in todo:
        rng = random.Random(f"{seed}:{place.key}")  # noqa: S311 - reproducible demo data
        rated_share = rng.uniform(*RATED_SHARE)
        satisfied_share = rng.uniform(*SATISFIED_SHARE)
        kiosk_share = rng.uniform(0.2, 0.5)
        for pk, code, channel, _agency, unit_code in by_desk.get(place.desk.pk, []):
            if rng.random() >= rated_share:
                continue
            happy = rng.random() < satisfied_share
            if happy:
                level = rng.choices(good, weights=[0.6, 0.4])[0] if len(good) == 2 else rng.choice(good)
            else:
                level = rng.choice(bad)
            if channel == 2:  # online dossier: the portal or the e-mailed link
                rating_channel = RatingChannel.PORTAL if rng.random() < 0.6 else RatingChannel.QR
            else:
                rating_channel = RatingChannel.KIOSK if rng.random() < kiosk_share else RatingChannel.QR
            criteria = {}
            if rng.random() < 0.3:
                criteria = {str(n): (2 if happy else rng.choice((0, 1))) for n in range(1, 10)}
            comment = rng.choice(COMMENTS) if rng.random() < 0.08 else ""
            ratings.append(
                Rating(
                    dossier_id=pk,
                    level=level.code,
                    satisfied=level.satisfied,
                    criteria=criteria,
                    comment=comment,
                    channel=rating_channel,
                )
            )
            if rating_channel == RatingChannel.QR and code:
                spent.append(RatingTokenUse(digest=tokens.digest(tokens.rating_token(code))))
            offsets[pk] = OFFSETS[0] if rating_channel == RatingChannel.KIOSK else rng.choice(OFFSETS[1:])
            units_of[pk] = unit_code
            summary.ratings += 1
            summary.satisfied += level.satisfied
            summary.kiosk += rating_channel == RatingChannel.KIOSK
    Rating.objects.bulk_create(ratings, batch_size=BATCH)
    RatingTokenUse.objects.bulk_create(spent, batch_size=BATCH, ignore_conflicts=True)
    # ``created_at`` is stamped "now" by bulk_create: the rating was given after the return.
    for minutes in sorted(set(offsets.values())):
        pks = [r.pk for r in ratings if offsets[r.dossier_id] == minutes]
        for i in range(0, len(pks), 900):
            Rating.objects.filter(pk__in=pks[i : i + 900]).update(
                created_at=Subquery(
                    Dossier.objects.filter(pk=OuterRef("dossier_id"))
                    .annotate(t=F("returned_at") + dt.timedelta(minutes=minutes))
                    .values("t")[:1]
                )
            )
    stamped = dict(Rating.objects.filter(pk__in=[r.pk for r in ratings]).values_list("pk", "created_at"))
    ratings.sort(key=lambda r: (stamped[r.pk], r.pk))
    ledger.record_many(
        [
            ledger.Pending(
                action="rating.submit",
                object_type="ratings.rating",
                object_id=r.pk,
                payload={"channel": r.channel, "supersedes": 0},
                unit_code=units_of[r.dossier_id],
                occurred_at=stamped[r.pk],
            )
            for r in ratings
        ],
        batch_size=BATCH,
    )
    return summary


__all__ = ["DemoRatings", "load_ratings"]
