"""Reads of the shared backbone used by other apps."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from minhbach.core.models import RuleSet


def ruleset_in_force(domain: str, on_date: dt.date) -> RuleSet | None:
    """The rule set of ``domain`` in force on ``on_date``: the latest start, then the latest version.

    Rules are pinned to the legal text in force at the event date (DOMAIN.md §0.3, decision D2):
    a deadline uses the one-stop set in force on the day of acceptance.
    """
    return (
        RuleSet.objects.filter(domain=domain, valid_from__lte=on_date)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))
        .order_by("-valid_from", "-version")
        .first()
    )
