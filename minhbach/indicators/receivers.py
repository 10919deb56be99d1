"""Keep the rollups current: dossier services announce changes, we refresh those dossiers."""

from __future__ import annotations

from django.dispatch import receiver

from minhbach.dossiers.signals import dossiers_changed


@receiver(dossiers_changed, dispatch_uid="indicators-refresh-rollups")
def refresh_rollups(sender, dossier_ids, **kwargs) -> None:
    from minhbach.indicators import rollups

    rollups.refresh(dossier_ids)
