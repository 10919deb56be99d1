"""Background work of dossiers (Django Tasks API): thin, ids in, services do the work.

Tasks are enqueued after the transaction that caused them has committed (the
``dossier_transitioned`` signal is sent from ``transaction.on_commit``), so a rolled-back
transition never tells anyone anything, and the worker always reads committed rows.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from minhbach.dossiers import notifications


@task()
def notify_applicant(dossier_id: int, action: str) -> dict[str, int]:
    """Tell the applicant about a transition (result ready, supplements, apology)."""
    delivery = notifications.notify_applicant(dossier_id=dossier_id, action=action)
    return {"emails": delivery.emails, "sms": delivery.sms}


@task()
def send_due_digest(day: str | None = None) -> dict[str, int]:
    """The officers' daily digest of dossiers due on the next working day (``day``: ISO date)."""
    report = notifications.send_due_digest(dt.date.fromisoformat(day) if day else None)
    return {
        "agencies": report.agencies,
        "dossiers": report.dossiers,
        "emails": report.emails,
        "skipped_without_email": report.skipped_without_email,
    }
