"""Writes on accounts and officials; each leaves a ledger entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from minhbach.accounts.models import Membership, Official, User
from minhbach.accounts.roles import ROLE_BY_CODE
from minhbach.core import ledger
from minhbach.units.models import Agency


@transaction.atomic
def official_create(
    *,
    actor: Any,
    full_name: str,
    gender: str,
    agency: Agency,
    position: str = "",
    is_leader: bool = False,
    valid_from: dt.date,
    username: str | None = None,
    password: str | None = None,
    roles: tuple[str, ...] = (),
    **fields: Any,
) -> Official:
    """Create an official in ``agency`` and, if a username is given, his login with its roles."""
    unknown = [r for r in roles if r not in ROLE_BY_CODE]
    if unknown:
        raise ValueError(f"Unknown roles: {unknown}")
    user = None
    if username:
        user = User.objects.create_user(username=username, password=password)
        user.groups.set(Group.objects.filter(name__in=roles))
    official = Official(user=user, full_name=full_name, gender=gender, position=position, **fields)
    official.full_clean()
    official.save()
    membership = Membership(
        official=official, agency=agency, position=position, is_leader=is_leader, valid_from=valid_from
    )
    membership.full_clean()
    membership.save()
    ledger.record(
        actor=actor,
        action="official.created",
        obj=official,
        unit_code=agency.electronic_code,
        payload={"agency": agency.pk, "position": position, "roles": list(roles), "username": username or ""},
    )
    return official


@transaction.atomic
def membership_transfer(
    *,
    actor: Any,
    official: Official,
    to_agency: Agency,
    on: dt.date,
    position: str = "",
    is_leader: bool = False,
) -> Membership:
    """Move an official: close his open memberships the day before ``on`` and open a new one."""
    closed = list(
        Membership.objects.filter(official=official, valid_to__isnull=True).values_list("pk", flat=True)
    )
    Membership.objects.filter(pk__in=closed).update(valid_to=on - dt.timedelta(days=1))
    membership = Membership(
        official=official, agency=to_agency, position=position, is_leader=is_leader, valid_from=on
    )
    membership.full_clean()
    membership.save()
    ledger.record(
        actor=actor,
        action="official.transferred",
        obj=official,
        unit_code=to_agency.electronic_code,
        payload={"closed_memberships": closed, "agency": to_agency.pk, "from": on, "position": position},
    )
    return membership
