"""A unit leader keeps his agency's spokesperson and cut-off up to date; the ledger keeps old and new."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from minhbach.core.models import LedgerEntry

pytestmark = pytest.mark.django_db

VALID = {
    "spokesperson_name": "Hồ Thị Lan",
    "spokesperson_position": "Chủ tịch UBND xã",
    "spokesperson_phone": "0905 123 456",
    "spokesperson_email": "lan@traxa.gov.vn",
    "address": "Thôn 1",
    "cutoff_enabled": "on",
    "cutoff_time": "16:00",
}


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_a", 404), ("officer_b", 404), ("leader_a", 200), ("auditor", 404), ("no_unit", 404)],
)
def test_settings_page_role_matrix(client, district, users, who, status):
    client.force_login(users[who])
    assert client.get(reverse("portal:agency-settings", args=[district.commune_a.slug])).status_code == status


def test_leader_cannot_edit_another_commune(client, district, users):
    client.force_login(users["leader_a"])
    response = client.post(reverse("portal:agency-settings", args=[district.commune_b.slug]), VALID)
    assert response.status_code == 404
    district.commune_b.refresh_from_db()
    assert district.commune_b.spokesperson_name == ""


def test_leader_updates_spokesperson_and_cutoff(client, district, users):
    client.force_login(users["leader_a"])
    response = client.post(reverse("portal:agency-settings", args=[district.commune_a.slug]), VALID)
    assert response.status_code == 302
    district.commune_a.refresh_from_db()
    assert district.commune_a.spokesperson_name == "Hồ Thị Lan"
    assert district.commune_a.cutoff_time == dt.time(16, 0)
    entry = LedgerEntry.objects.filter(action="agency.settings_changed").get()
    payload = json.loads(entry.payload)
    assert payload["before"]["cutoff_time"] == "15:00:00" and payload["after"]["cutoff_time"] == "16:00:00"
    assert entry.actor_id == users["leader_a"].pk


def test_bad_input_changes_nothing(client, district, users):
    client.force_login(users["leader_a"])
    bad = {**VALID, "spokesperson_phone": "gọi tôi", "cutoff_time": "25:99"}
    response = client.post(reverse("portal:agency-settings", args=[district.commune_a.slug]), bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Số điện thoại chỉ gồm chữ số" in page
    district.commune_a.refresh_from_db()
    assert district.commune_a.spokesperson_name == "" and district.commune_a.cutoff_time == dt.time(15, 0)
    assert not LedgerEntry.objects.filter(action="agency.settings_changed").exists()
