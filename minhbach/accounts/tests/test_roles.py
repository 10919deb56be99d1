import pytest
from django.contrib.auth.models import Group

from minhbach.accounts.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_its_permissions():
    sync_roles()
    for role in ROLES:
        group = Group.objects.get(name=role.code)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(role.permissions), role.code


def test_auditor_is_read_only():
    auditor = next(r for r in ROLES if r.code == "auditor")
    assert all(p.split(".")[1].startswith("view_") for p in auditor.permissions)
