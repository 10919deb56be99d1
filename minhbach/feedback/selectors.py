"""Reads of feedback used by the pages: public reads never touch sender data, staff reads are scoped."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from minhbach.accounts.policies import restrict
from minhbach.core.text import fold
from minhbach.feedback.models import Feedback, FeedbackReaction

PUBLIC_FIELDS = ("code", "state", "question_redacted", "answer", "received_at", "approved_at", "published_at",
                 "category", "agency__name", "procedure__name")  # fmt: skip


def published(query: str = "") -> QuerySet[Feedback]:
    """Published answers with their reaction counts, searched on the folded published text only."""
    qs = (
        Feedback.objects.filter(published_at__isnull=False)
        .select_related("agency", "procedure")
        .only(*PUBLIC_FIELDS)
        .annotate(
            likes=Count("reactions", filter=Q(reactions__value=FeedbackReaction.Value.LIKE)),
            dislikes=Count("reactions", filter=Q(reactions__value=FeedbackReaction.Value.DISLIKE)),
        )
        .order_by("-published_at")
    )
    for word in fold(query).split():
        qs = qs.filter(search_folded__contains=word)
    return qs


def published_by_code(code: str) -> Feedback:
    try:
        return published().get(code=code)
    except Feedback.DoesNotExist as exc:
        raise Http404 from exc


def staff_queue(user, *, state: str = "") -> QuerySet[Feedback]:
    qs = restrict(Feedback.objects.select_related("agency"), user, "agency")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-received_at")


def staff_get(user, pk: int) -> Feedback:
    """One item in the user's scope; out of scope is 404, like a missing one."""
    qs = restrict(
        Feedback.objects.select_related("agency", "procedure", "dossier", "target_official"), user, "agency"
    )
    try:
        return qs.get(pk=pk)
    except Feedback.DoesNotExist as exc:
        raise Http404 from exc
