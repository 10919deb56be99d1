"""Triggers from sibling apps that create register items (DOMAIN.md §8.2: items come from triggers)."""

from __future__ import annotations

from django.dispatch import receiver

from minhbach.procedures.signals import version_announced


@receiver(version_announced, dispatch_uid="disclosure-procedure-listing")
def listing_due_on_announcement(sender, version, **kwargs) -> None:
    from minhbach.disclosure.services import on_procedure_announced

    on_procedure_announced(version=version)
