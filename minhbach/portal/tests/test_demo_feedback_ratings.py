"""Demo feedback and ratings (issue 5): every case present at test scale, ledgered, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from minhbach.core.models import LedgerEntry
from minhbach.core.redaction import contains_personal_data, find_personal_data
from minhbach.dossiers.models import Dossier, Status
from minhbach.feedback import metrics
from minhbach.feedback.models import (
    Category,
    Feedback,
    FeedbackEvent,
    FeedbackFollowUp,
    FeedbackReaction,
    State,
)
from minhbach.portal.demo import feedback as demo_feedback
from minhbach.ratings.models import Rating, RatingChannel, RatingTokenUse
from minhbach.units.models import Agency

pytestmark = pytest.mark.django_db


def _load():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_feedback_covers_every_case_through_the_services():
    _load()
    items = Feedback.objects.all()
    assert items.count() == demo_feedback.MIN_ITEMS  # test scale 0.02 → the floor
    states = set(items.values_list("state", flat=True))
    assert {State.PUBLISHED, State.REFUSED} <= states
    conduct = items.filter(category=Category.CONDUCT)
    assert {"yes", "no"} <= set(conduct.values_list("substantiated", flat=True))
    assert FeedbackEvent.objects.filter(action="forward", late=True).exists()
    assert FeedbackEvent.objects.filter(action="forward", late=False).exists()
    assert FeedbackEvent.objects.filter(action="request_info").exists()
    assert FeedbackFollowUp.objects.count() >= 2 and items.filter(reopened__gt=0).count() >= 2
    assert items.filter(out_of_scope=True).exists() and items.filter(valid=False).exists()
    values = set(FeedbackReaction.objects.values_list("value", flat=True))
    assert values == {"like", "dislike"}
    # Citizens typed personal data; what was published is redacted.
    assert sum(bool(find_personal_data(t)) for t in items.values_list("text", flat=True)) > 20
    for question in items.filter(published_at__isnull=False).values_list("question_redacted", flat=True):
        assert not contains_personal_data(question), question
    # One ledger entry per history row: everything went through the services.
    assert LedgerEntry.objects.filter(action__startswith="feedback.").count() == FeedbackEvent.objects.count()
    # Some were handled late, some unsatisfied, counted by the selector the indicators use.
    district = Agency.objects.filter(parent__isnull=True).order_by("pk").first()
    summary = metrics.pakn_summary(district, dt.date(2023, 9, 1), dt.date(2024, 11, 30))
    assert summary.received > 20 and summary.late > 0 and 0 < summary.unsatisfied < summary.received
    assert summary.forwarded_late >= 1


def test_demo_ratings_are_plausible_ledgered_and_idempotent():
    _load()
    ratings = Rating.objects.all()
    returned = Dossier.objects.filter(status=Status.RETURNED)
    assert ratings.count() > returned.count() * 0.4
    assert not ratings.exclude(dossier__status=Status.RETURNED).exists()
    assert not ratings.filter(created_at__lt=F("dossier__returned_at")).exists()
    assert ratings.filter(channel=RatingChannel.KIOSK).exists()
    assert RatingTokenUse.objects.count() == ratings.filter(channel=RatingChannel.QR).count()
    per_desk = ratings.values("dossier__receiving_agency").annotate(
        n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True))
    )
    overall = sum(r["ok"] for r in per_desk) / sum(r["n"] for r in per_desk)
    assert 0.8 < overall < 0.99
    assert LedgerEntry.objects.filter(action="rating.submit").count() == ratings.count()
    counts = (Feedback.objects.count(), ratings.count(), LedgerEntry.objects.count())
    _load()
    assert (Feedback.objects.count(), Rating.objects.count(), LedgerEntry.objects.count()) == counts
