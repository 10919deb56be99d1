"""Emulation evidence as an indicators family (K6 discipline, K7 recognised initiatives).

The indicators app sits below this one, so it cannot import these registers; instead this module
registers a family with ``minhbach.indicators.families.register`` when the app is ready. The
criteria of an evaluation read the same registers in ``evaluation.collect`` (per participant,
with staff membership); this family gives the dashboard's per-unit counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q

from minhbach.indicators.families import Values, ratio, register
from minhbach.units.models import Agency


@register("emulation")
def emulation_family(
    agencies: Sequence[Agency], start: dt.date, end: dt.date, source: str = "rollup"
) -> Values:
    """K6: decided discipline cases of the unit whose effective window overlaps P; K7: initiatives
    of the unit with a recognition decision (number) dated in P. One grouped query each."""
    from minhbach.emulation.models import DisciplineCase, Initiative

    ids = [a.pk for a in agencies]
    overlaps = (Q(effective_from__isnull=True) | Q(effective_from__lte=end)) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    )
    cases = (
        DisciplineCase.objects.filter(
            overlaps,
            agency_id__in=ids,
            status__in=[DisciplineCase.Status.DECIDED, DisciplineCase.Status.EXPIRED],
        )
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recognised = (
        Initiative.objects.filter(agency_id__in=ids, recognition_date__gte=start, recognition_date__lte=end)
        .exclude(recognition_number="")
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: Values = {pk: {"disciplined": ratio(0, 0), "initiatives": ratio(0, 0)} for pk in ids}
    for row in cases:
        out[row["agency_id"]]["disciplined"] = ratio(row["n"], 0)
    for row in recognised:
        out[row["agency_id"]]["initiatives"] = ratio(row["n"], 0)
    return out
