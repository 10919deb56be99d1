"""Signals of dossiers: calendar corrections recompute deadlines; transitions notify applicants."""

from __future__ import annotations

from django.dispatch import Signal, receiver

from minhbach.core.workdays.signals import calendar_changed

# Sent by ``services._record`` once the transaction of a transition has committed, with
# ``dossier_id`` and ``action`` (the transition's name, e.g. "finish"). Never sent for a
# rolled-back transition nor for bulk-loaded rows (the demo, which bypasses services).
dossier_transitioned = Signal()

# Sent *inside* the transaction that changed dossiers (services, import), with ``dossier_ids``,
# so that derived data kept by other apps (the indicators' daily rollups) commits or rolls back
# together with the change. Receivers must be cheap: a few queries per call.
dossiers_changed = Signal()


@receiver(calendar_changed, dispatch_uid="dossiers-recompute-deadlines")
def recompute_open_deadlines(sender, dates, **kwargs) -> None:
    from minhbach.dossiers.services import dossiers_recompute_for_calendar

    dossiers_recompute_for_calendar(dates=list(dates))


@receiver(dossier_transitioned, dispatch_uid="dossiers-notify-applicant")
def notify_applicant_on_transition(sender, dossier_id: int, action: str, **kwargs) -> None:
    """Queue the applicant's notification for the transitions a citizen must hear about."""
    from minhbach.dossiers import notifications, tasks

    if action in notifications.APPLICANT_ACTIONS:
        tasks.notify_applicant.enqueue(dossier_id=dossier_id, action=action)
