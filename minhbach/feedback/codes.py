"""PAKN codes ``PAKN.YYYYMMDD.NNNN``: one consecutive series per day for the deployment.

Taken in the receiving transaction under the row lock of ``FeedbackSequence`` (the same idea as
``minhbach.dossiers.codes``, whose series is per agency), so concurrent desks queue for it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from minhbach.feedback.models import FeedbackSequence


def allocate(day: dt.date) -> str:
    """Take the next number of ``day``; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("PAKN codes are allocated inside the receiving transaction.")
    row, _created = FeedbackSequence.objects.get_or_create(day=day)
    FeedbackSequence.objects.filter(pk=row.pk).update(last=F("last") + 1)
    last = FeedbackSequence.objects.values_list("last", flat=True).get(pk=row.pk)
    return f"PAKN.{day:%Y%m%d}.{last:04d}"
