"""Public pages answer without login and show no personal data."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_home_lists_the_committees_in_vietnamese(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="vi"' in page
    assert "UBND huyện Bắc Trà My" in page and "UBND xã Trà Sơn" in page
    assert "minhbach-demo" not in page  # no credentials, no staff data on public pages


def test_vietnamese_even_for_an_english_browser(client, demo):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in response.content.decode()


def test_english_when_chosen(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page


def test_unknown_language_cookie_falls_back_to_vietnamese(client, demo):
    client.cookies["django_language"] = "xx"
    assert 'lang="vi"' in client.get("/").content.decode()


def test_admin_login_page_answers(client):
    assert client.get("/admin/login/").status_code == 200


def test_static_assets_are_local(client, demo):
    page = client.get("/").content.decode()
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
