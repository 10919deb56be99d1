"""``manage.py open311_client``: creates a client, prints its key once, stores only the digest."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from minhbach.core.models import LedgerEntry
from minhbach.open311 import services
from minhbach.open311.models import ApiClient, key_digest


def test_command_creates_a_client_and_prints_the_key_once(district):
    out = io.StringIO()
    call_command(
        "open311_client", "--name", "Ứng dụng di động", "--agency", district.commune_a.slug, stdout=out
    )
    key = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get()
    assert client.name == "Ứng dụng di động"
    assert client.agency == district.commune_a
    assert client.channel == "minhbach"
    assert client.key_digest == key_digest(key)
    assert services.authenticate(key) == client
    assert LedgerEntry.objects.filter(action="open311.client_create", object_id=str(client.pk)).exists()


def test_command_channel_option(district):
    call_command("open311_client", "--name", "Cổng tỉnh", "--agency", district.committee.slug,
                 "--channel", "provincial_portal", stdout=io.StringIO())  # fmt: skip
    assert ApiClient.objects.get().channel == "provincial_portal"


@pytest.mark.parametrize("agency", ["no-such-agency", None])
def test_command_refuses_bad_input(district, agency):
    call_command("open311_client", "--name", "A", "--agency", district.desk_a.slug, stdout=io.StringIO())
    with pytest.raises(CommandError):
        # Unknown agency, or a name already taken.
        call_command("open311_client", "--name", "A", "--agency", agency or district.desk_a.slug,
                     stdout=io.StringIO())  # fmt: skip
    assert ApiClient.objects.count() == 1
