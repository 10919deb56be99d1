"""Dossiers listen to calendar corrections and recompute the deadlines of open dossiers."""

from __future__ import annotations

from django.dispatch import receiver

from minhbach.core.workdays.signals import calendar_changed


@receiver(calendar_changed, dispatch_uid="dossiers-recompute-deadlines")
def recompute_open_deadlines(sender, dates, **kwargs) -> None:
    from minhbach.dossiers.services import dossiers_recompute_for_calendar

    dossiers_recompute_for_calendar(dates=list(dates))
