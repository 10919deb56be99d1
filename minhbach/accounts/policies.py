"""Who may see which object: scope by unit, and out of scope is 404, never 403.

An official sees the agencies he belongs to on the day, and everything beneath them (agency
``path`` prefix). Jurisdiction-wide roles (secretariat, council, auditor, administrator) see the
whole subtree of the people's committee of their jurisdiction. The same "not found" answers a
missing object and a forbidden one, so existence never leaks (NetBox ``restrict``, Zulip).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils import timezone

from minhbach.accounts.roles import ROLE_BY_CODE
from minhbach.units.models import Agency


def _today() -> dt.date:
    return timezone.localdate()


def scope_paths(user, on: dt.date | None = None) -> list[str] | None:
    """Materialised paths the user may see; ``None`` means everything, ``[]`` nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, "_minhbach_scope_paths", None)
    day = on or _today()
    if cached is not None and cached[0] == day:
        return cached[1]
    official = getattr(user, "official", None)
    if official is None:
        paths: list[str] = []
    else:
        wide = any(
            ROLE_BY_CODE[g].jurisdiction_wide
            for g in user.groups.values_list("name", flat=True)
            if g in ROLE_BY_CODE
        )
        # One filter() call: the date conditions must apply to the same membership row.
        agencies = Agency.objects.filter(
            Q(memberships__official=official),
            Q(memberships__valid_from__lte=day),
            Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=day),
        ).distinct()
        paths = []
        for agency in agencies:
            root = agency
            if wide:
                root = _jurisdiction_root(agency)
            paths.append(root.path)
        paths = _minimal_prefixes(paths)
    user._minhbach_scope_paths = (day, paths)
    return paths


def _jurisdiction_root(agency: Agency) -> Agency:
    ids = [int(part) for part in agency.path.strip("/").split("/") if part]
    committees = {a.pk: a for a in Agency.objects.filter(pk__in=ids, kind=Agency.Kind.PEOPLE_COMMITTEE)}
    # The nearest people's committee at or above the agency: a district office's secretariat
    # sees the district and its communes, not the whole province.
    for pk in reversed(ids):
        if pk in committees:
            return committees[pk]
    return agency


def _minimal_prefixes(paths: list[str]) -> list[str]:
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(p) for p in result):
            result.append(path)
    return result


def restrict(
    queryset: QuerySet, user, agency_field: str | None = None, on: dt.date | None = None
) -> QuerySet:
    """Limit ``queryset`` to objects whose agency lies in the user's scope.

    ``agency_field`` is the lookup from the queryset's model to its ``Agency`` (``None`` when the
    queryset is of agencies).
    """
    paths = scope_paths(user, on)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    lookup = f"{agency_field}__path__startswith" if agency_field else "path__startswith"
    return queryset.filter(reduce(or_, (Q(**{lookup: p}) for p in paths)))


def in_scope(user, agency: Agency, on: dt.date | None = None) -> bool:
    paths = scope_paths(user, on)
    return paths is None or any(agency.path.startswith(p) for p in paths)
