"""English through the language switcher: the chrome is translated and the catalogue is sound.

The msgids are Vietnamese; ``minhbach/locale/en`` holds the English catalogue, and its compiled
``.mo`` is committed so that a machine without GNU gettext still shows English.
"""

from __future__ import annotations

import ast
import datetime as dt
import gettext as gnu_gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from minhbach.accounts.tests.factories import make_official
from minhbach.core.models import CalendarDay
from minhbach.core.workdays.engine import format_day, format_duration

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "minhbach" / "locale" / "en" / "LC_MESSAGES"
PO_FILE = CATALOGUE / "django.po"
MO_FILE = CATALOGUE / "django.mo"

# %(name)s / %(n).2f / %s / %d (printf style, as Django's gettext strings use) and {name}.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}]*\}")


# --- a tiny .po reader ----------------------------------------------------------------------


def _parse_po(text: str) -> list[dict]:
    """Entries as dicts: ``flags`` (set), ``locations`` (list), ``msgid``, ``msgstr`` (and plurals)."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def close() -> None:
        nonlocal entry, key
        if "msgid" in entry:
            entries.append(entry)
        entry, key = {}, None

    for line in text.splitlines():
        if not line.strip():
            close()
            continue
        if line.startswith("#~"):
            entry.setdefault("obsolete", True)
            continue
        if line.startswith("#,"):
            if "msgstr" in entry or any(k.startswith("msgstr[") for k in entry):
                close()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#:"):
            if "msgstr" in entry or any(k.startswith("msgstr[") for k in entry):
                close()
            entry.setdefault("locations", []).extend(line[2:].split())
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line)
        if match:
            if match.group(1) in ("msgid", "msgctxt") and ("msgstr" in entry or "msgstr[0]" in entry):
                close()
            key = match.group(1)
            entry[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    close()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    entries = _parse_po(PO_FILE.read_text(encoding="utf-8"))
    assert entries and entries[0]["msgid"] == "", "the catalogue starts with its header"
    return entries


def _messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["msgid"] and not e.get("obsolete")]


def _translations(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [v for k, v in sorted(entry.items()) if k.startswith("msgstr[")]
    return [entry["msgstr"]]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


# --- the catalogue --------------------------------------------------------------------------


def test_catalogue_header_is_english_and_not_fuzzy(po_entries):
    header = po_entries[0]
    assert "Language: en\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]
    assert "fuzzy" not in header.get("flags", set())


def test_every_message_is_translated_and_none_is_fuzzy(po_entries):
    messages = _messages(po_entries)
    assert len(messages) > 300
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e.get("flags", set())]
    empty = [e["msgid"] for e in messages if not all(t.strip() for t in _translations(e))]
    assert fuzzy == []
    assert empty == []


def test_no_obsolete_or_test_only_entries(po_entries):
    assert not any(e.get("obsolete") for e in po_entries)
    locations = [loc for e in _messages(po_entries) for loc in e.get("locations", [])]
    assert locations, "entries keep their source locations"
    assert not [loc for loc in locations if "/tests/" in loc or loc.startswith("tests/")]


def test_placeholders_survive_translation(po_entries):
    broken = []
    for entry in _messages(po_entries):
        for msgid, msgstr in [(entry["msgid"], t) for t in _translations(entry)]:
            if _placeholders(msgid) != _placeholders(msgstr):
                broken.append((msgid, msgstr))
            if "python-format" in entry.get("flags", set()) and msgstr.count("%%") != msgid.count("%%"):
                broken.append((msgid, msgstr))
    assert broken == []


def test_translations_keep_surrounding_whitespace(po_entries):
    # Command output lines are indented ("  %(label)s: ..."); the indentation is part of the layout.
    for entry in _messages(po_entries):
        for msgstr in _translations(entry):
            lead = len(entry["msgid"]) - len(entry["msgid"].lstrip())
            assert len(msgstr) - len(msgstr.lstrip()) == lead, entry["msgid"]


def test_compiled_catalogue_matches_the_po_file(po_entries):
    """The committed ``.mo`` must be recompiled whenever the ``.po`` changes."""
    with MO_FILE.open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    stale = [
        e["msgid"]
        for e in _messages(po_entries)
        if "msgid_plural" not in e
        and (compiled.pgettext(e["msgctxt"], e["msgid"]) if "msgctxt" in e else compiled.gettext(e["msgid"]))
        != e["msgstr"]
    ]
    assert stale == [], "run: python manage.py compilemessages -l en"


def test_python_strings_translate(settings):
    with translation.override("en"):
        assert format_day(dt.date(2024, 2, 8)) == "08/02/2024 (Thursday)"
        assert format_duration(2 * 3600 + 30 * 60) == "2 h 30 min"
        assert str(CalendarDay.Kind.MAKEUP_WORKING_DAY.label) == "Make-up working day"
    with translation.override("vi"):
        assert format_day(dt.date(2024, 2, 8)) == "08/02/2024 (Thứ Năm)"


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def chrome_msgids(po_entries) -> list[str]:
    """Vietnamese strings of templates and portal code whose English differs: none may remain."""
    return [
        e["msgid"]
        for e in _messages(po_entries)
        if len(e["msgid"]) >= 8
        and e.get("msgstr", e.get("msgstr[1]")) != e["msgid"]
        and any(loc.startswith(("templates/", "portal/")) for loc in e.get("locations", []))
    ]


def _english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert 'lang="en"' in page
    assert response.headers["Content-Language"] == "en"
    return page


def _assert_no_vietnamese_chrome(page: str, msgids: list[str]) -> None:
    left = [msgid for msgid in msgids if msgid in page]
    assert left == []


def test_home_in_english(client, district, chrome_msgids):
    _english(client)
    page = _page(client, "/")
    for text in (
        "Minh bạch: government that serves openly and on time",
        "Participating units",
        "Administrative unit code",
        "In effect",
        "present",
        "Staff sign-in",
        "Emulation movement",
        'value="vi"',  # the switcher now offers Vietnamese
    ):
        assert text in page, text
    for text in ("Cán bộ đăng nhập", "Các đơn vị tham gia", "Hiệu lực", "Phong trào thi đua"):
        assert text not in page, text
    assert "UBND huyện Thử" in page  # data stays as entered
    _assert_no_vietnamese_chrome(page, chrome_msgids)


def test_login_page_in_english(client, chrome_msgids):
    _english(client)
    page = _page(client, reverse(settings.LOGIN_URL))
    for text in ("Staff sign-in", "Username", "Password", "Sign in", "Citizens do not need an account"):
        assert text in page, text
    _assert_no_vietnamese_chrome(page, chrome_msgids)


def test_staff_home_in_english(client, district, users, chrome_msgids):
    _english(client)
    client.force_login(users["secretariat"])
    page = _page(client, "/can-bo/")
    for text in (
        "Dashboard",
        "Working calendar",
        "Sign out",
        "Units within your remit",
        "<th>Agency</th>",
        "<th>Type</th>",
        "Identifier code",
        "Locality",
        "People&#x27;s Committee",
        "One-stop desk",
    ):
        assert text in page, text
    for text in ("Bàn làm việc", "Lịch làm việc", "Đăng xuất", "Đơn vị trong phạm vi", "Ủy ban nhân dân"):
        assert text not in page, text
    _assert_no_vietnamese_chrome(page, chrome_msgids)


def test_calendar_in_english(client, district, users, chrome_msgids):
    CalendarDay.objects.create(date=dt.date(2024, 1, 1), kind="public_holiday", name="Tết Dương lịch")
    CalendarDay.objects.create(
        date=dt.date(2024, 4, 27), kind="makeup_working_day", name="Làm bù", legal_ref="CV 1/VPCP"
    )
    _english(client)
    client.force_login(users["secretariat"])
    page = _page(client, "/can-bo/lich-lam-viec/?nam=2024")
    for text in (
        "Working calendar 2024",
        "Monday to Friday are working days",
        "<th>Date</th>",
        "<th>Scope</th>",
        "<th>Source</th>",
        "Public holiday or Tết",
        "Make-up working day",
        "Nationwide",
        "Entered or adjusted by staff",
        "not verified",
        "Add or adjust a day",
        "Day type",
        "Legal basis",
        "Number and date of the governing document",
        "Save",
        "Sat 27/04/2024",  # Django's own date names follow the language too
    ):
        assert text in page, text
    for text in ("Thêm hoặc điều chỉnh", "Căn cứ pháp lý", "Toàn quốc", "chưa đối chiếu", "Lưu</button>"):
        assert text not in page, text
    assert "Tết Dương lịch" in page  # data stays as entered
    _assert_no_vietnamese_chrome(page, chrome_msgids)


def test_agency_page_in_english(client, district, users, chrome_msgids):
    leader = make_official(district.commune_a, roles=("unit_leader",), is_leader=True).user
    _english(client)
    client.force_login(leader)
    page = _page(client, f"/can-bo/don-vi/{district.commune_a.slug}/")
    for text in (
        "Edit the spokesperson and reception cut-off time",
        "Type: People&#x27;s Committee",
        "Electronic identifier code",
        "Locality",
        "Parent agency",
        "Spokesperson",
        "Reception cut-off time",
        "Office hours",
        "Mon 07:00",
        "Subordinate units",
        "Officials and civil servants",
        "Full name",
        "Female",
        "leader",
        "Change log (ledger)",
        "Performed by",
    ):
        assert text in page, text
    for text in ("Người phát ngôn", "Giờ chốt tiếp nhận", "Đơn vị trực thuộc", "Nhật ký thay đổi", ">T2 "):
        assert text not in page, text
    _assert_no_vietnamese_chrome(page, chrome_msgids)


def test_agency_settings_form_and_message_in_english(client, district, users, chrome_msgids):
    _english(client)
    client.force_login(users["leader_a"])
    url = f"/can-bo/don-vi/{district.commune_a.slug}/thong-tin/"
    page = _page(client, url)
    for text in ("Spokesperson&#x27;s position", "Head office address", "Apply a reception cut-off time"):
        assert text in page, text
    _assert_no_vietnamese_chrome(page, chrome_msgids)
    response = client.post(
        url,
        {"spokesperson_name": "Hồ Thị Lan", "spokesperson_phone": "0905 123 456", "cutoff_time": "15:00"},
        follow=True,
    )
    page = response.content.decode()
    assert "The unit&#x27;s details have been saved." in page
    assert "Đã lưu thông tin" not in page


def test_vietnamese_is_still_the_default(client, district):
    page = client.get("/").content.decode()
    assert 'lang="vi"' in page and "Các đơn vị tham gia" in page and "Participating units" not in page
