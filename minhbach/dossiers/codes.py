"""Dossier codes per TT 01/2018/TT-VPCP Điều 19 (D12): ``<agency electronic code>-YYMMDD-XXXX``.

The sequence is per receiving agency and day, consecutive, and never reused: the number is
taken in the same transaction as the acceptance, under the row lock of ``DossierSequence``, so
concurrent desks queue for it instead of colliding.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from minhbach.dossiers.models import DossierSequence
from minhbach.units.models import Agency

DEFAULT_FORMAT = "{agency_code}-{yymmdd}-{seq:04d}"


def allocate(agency: Agency, day: dt.date, *, code_format: str = DEFAULT_FORMAT) -> str:
    """Take the next number of ``agency`` on ``day``; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Dossier codes are allocated inside the accepting transaction.")
    row, _created = DossierSequence.objects.get_or_create(agency=agency, day=day)
    DossierSequence.objects.filter(pk=row.pk).update(last=F("last") + 1)
    last = DossierSequence.objects.values_list("last", flat=True).get(pk=row.pk)
    return code_format.format(agency_code=agency.electronic_code, yymmdd=day.strftime("%y%m%d"), seq=last)
