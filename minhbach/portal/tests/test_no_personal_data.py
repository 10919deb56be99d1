"""No personal data on any public page or public API (issue 5 acceptance; DOMAIN.md §6.6).

The demo (at test scale) is loaded once for the module, inside a transaction rolled back at the
end. Its citizens' texts deliberately contain phones, citizen IDs and e-mails. Every public page
and API response that can be enumerated is fetched and checked twice:

* no value a citizen typed (phones, IDs, e-mails found in feedback texts and follow-ups, the
  senders' phones and e-mails, dossier applicants' IDs and phones) appears, compared by the
  digits of each digit run so that "0905 123 456" and "0905.123.456" are the same number;
* ``find_personal_data`` finds nothing ID-, phone- or e-mail-shaped except the agencies' official
  contacts (spokesperson, PAKN desk, one-stop desk), which are public by law (NĐ 20/2008 Điều 13,
  NĐ 09/2017/NĐ-CP).

URL prefixes that other modules add (``/open311/v2/``, ``/cong-khai/``, ``/co-quan/<slug>/``)
are checked when they resolve and skipped otherwise.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import string
from collections.abc import Iterable

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minhbach.core.redaction import Kind, find_personal_data
from minhbach.dossiers.models import Applicant, Dossier, Status
from minhbach.feedback import services
from minhbach.feedback.models import Feedback, FeedbackFollowUp
from minhbach.procedures.models import Procedure
from minhbach.units.models import Agency

SHAPED = frozenset({Kind.CCCD, Kind.CMND, Kind.MOBILE, Kind.LANDLINE, Kind.BHXH, Kind.BHYT, Kind.EMAIL})
_RUN = re.compile(r"\+?[0-9]+(?:[ .\-\u00a0][0-9]+)*")
_TAG = re.compile(r"<[^>]+>")
_ATTR = re.compile(r'=\s*"([^"]*)"')
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def visible(body: str) -> str:
    """Text of a page as a reader (or a scraper) gets it: the text nodes and the attribute values."""
    body = _SCRIPT.sub("\n", body)
    # A newline is not a separator inside a digit run: neighbouring cells stay separate numbers.
    attributes = "\n".join(_ATTR.findall(body))
    return html.unescape(f"{_TAG.sub(chr(10), body)}\n{attributes}")


def digit_runs(text: str) -> list[str]:
    return [_digits(m.group()) for m in _RUN.finditer(text)]


def official_contacts() -> set[str]:
    """Phones and e-mails published by law: agencies' spokespersons and registered unit contacts."""
    values: set[str] = set()
    for phone, email in Agency.objects.values_list("spokesperson_phone", "spokesperson_email"):
        values |= {phone, email}
    if apps.is_installed("minhbach.disclosure"):
        try:
            unit_contact = apps.get_model("disclosure", "UnitContact")
        except LookupError:
            unit_contact = None
        if unit_contact is not None:
            for phone, email in unit_contact.objects.values_list("phone", "email"):
                values |= {phone, email}
    return {v for v in values if v}


def citizen_values() -> tuple[set[str], set[str]]:
    """Digits of every ID or phone a citizen typed, and every e-mail, from restricted storage."""
    numbers: set[str] = set()
    emails: set[str] = set()
    texts = list(Feedback.objects.values_list("text", flat=True))
    texts += list(FeedbackFollowUp.objects.values_list("text", flat=True))
    for text in texts:
        for hit in find_personal_data(text):
            if hit.kind == Kind.EMAIL:
                emails.add(hit.value.lower())
            elif hit.kind in SHAPED:
                numbers.add(_digits(hit.value))
    for model in (Feedback, FeedbackFollowUp):
        for phone, email in model.objects.values_list("sender_phone", "sender_email"):
            numbers.add(_digits(phone))
            emails.add(email.lower())
    for row in Applicant.objects.values_list(*_applicant_fields()):
        for value in row:
            if value and "@" in value:
                emails.add(value.lower())
            elif value and len(_digits(value)) >= 9:
                numbers.add(_digits(value))
    return {n for n in numbers if len(n) >= 9}, {e for e in emails if e}


def _applicant_fields() -> list[str]:
    wanted = ("id_number", "citizen_id", "identity_number", "phone", "email")
    names = {f.name for f in Applicant._meta.get_fields() if getattr(f, "concrete", False)}
    return [n for n in wanted if n in names] or ["pk"]


def leaks(body: str, numbers: set[str], emails: set[str], allowed: set[str]) -> list[str]:
    text = visible(body)
    found = []
    runs = digit_runs(text)
    for number in numbers:
        if any(number in run for run in runs):
            found.append(f"citizen number {number}")
    lowered = text.lower()
    found += [f"citizen e-mail {e}" for e in emails if e in lowered]
    found += [
        f"{hit.kind}: {hit.value!r}"
        for hit in find_personal_data(text, keep=allowed)
        if hit.kind in SHAPED and hit.kind != Kind.CMND  # 9 digits: only a review hint (§6.6)
    ]
    return found


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield {"allowed": official_contacts(), "values": citizen_values()}
        transaction.set_rollback(True)


def _check(client: Client, paths: Iterable[str], demo) -> int:
    numbers, emails = demo["values"]
    problems, fetched = [], 0
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or response.get("Content-Type", "").startswith(
            ("image/", "application/pdf")
        ):
            continue
        fetched += 1
        body = response.content.decode("utf-8", "replace")
        problems += [f"{path}: {what}" for what in leaks(body, numbers, emails, demo["allowed"])]
    assert not problems, "\n".join(problems[:40])
    return fetched


def test_demo_has_personal_data_to_hide(demo, db):
    numbers, emails = demo["values"]
    assert len(numbers) > 50 and len(emails) > 10
    published = Feedback.objects.filter(published_at__isnull=False)
    assert published.count() >= 20
    # The originals really held data that the published questions no longer show.
    assert any(find_personal_data(f.text) for f in published)


def test_home_procedures_and_api(client, demo, db):
    codes = list(Procedure.objects.values_list("code", flat=True).order_by("code"))
    assert codes
    paths = ["/", "/thu-tuc/", "/thu-tuc/?trang=2", "/api/v1/public/procedures/"]
    paths += [f"/thu-tuc/{code}/" for code in codes]
    paths += [f"/api/v1/public/procedures/{code}/" for code in codes[:15]]
    assert _check(client, paths, demo) >= len(codes)


def test_feedback_list_and_every_published_item(client, demo, db):
    codes = list(Feedback.objects.filter(published_at__isnull=False).values_list("code", flat=True))
    pages = Feedback.objects.filter(published_at__isnull=False).count() // 20 + 1
    paths = [f"/phan-anh/?trang={n}" for n in range(1, pages + 1)] + ["/phan-anh/gui/"]
    paths += [f"/phan-anh/{code}/" for code in codes]
    assert _check(client, paths, demo) == len(paths)


def test_ratings_and_dossier_lookup_pages(client, demo, db):
    from minhbach.dossiers.links import lookup_token
    from minhbach.ratings.tokens import rating_token

    returned = list(Dossier.objects.filter(status=Status.RETURNED).exclude(code="")[:3])
    desks = list(Agency.objects.filter(kind=Agency.Kind.ONE_STOP_DESK).values_list("slug", flat=True)[:3])
    paths = ["/ho-so/tra-cuu/", "/danh-gia/cam-on/"]
    paths += [f"/ho-so/tra-cuu/{d.code}/?t={lookup_token(d.code)}" for d in returned]
    paths += [f"/danh-gia/{d.code}/?t={rating_token(d.code)}" for d in returned]
    paths += [f"/danh-gia/quay/{slug}/" for slug in desks] + [f"/danh-gia/thong-ke/{slug}/" for slug in desks]
    assert _check(client, paths, demo) >= 2


@pytest.mark.parametrize("prefix", ["/open311/v2/", "/cong-khai/", "/co-quan/"])
def test_other_public_modules(client, demo, db, prefix):
    slugs = list(Agency.objects.values_list("slug", flat=True))
    if prefix == "/co-quan/":
        paths = [f"/co-quan/{slug}/" for slug in slugs]
    elif prefix == "/open311/v2/":
        paths = [
            f"{prefix}{name}" for name in ("discovery.json", "services.json", "requests.json", "requests.xml")
        ]
        paths += [f"{prefix}requests.json?page={n}" for n in range(2, 6)]
        codes = Feedback.objects.filter(published_at__isnull=False).values_list("code", flat=True)
        paths += [f"{prefix}requests/{code}.json" for code in codes[:40]]
        paths += [f"{prefix}requests/{code}.xml" for code in codes[:5]]
    else:
        paths = [prefix] + [f"{prefix}{slug}/" for slug in slugs]
    resolvable = [p for p in paths if _resolves(p.split("?")[0])]
    if not resolvable:
        pytest.skip(f"{prefix} is not served (yet)")
    assert _check(client, resolvable, demo) > 0


# --- fuzzed citizens' texts -------------------------------------------------------------------

WORDS = ("tôi", "đề nghị", "hồ sơ", "xã", "cán bộ", "chậm", "giấy tờ", "liên hệ", "số", "điện thoại", "thôn")
SEPARATORS = ("", " ", ".", "-")


def _grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(digits[i : i + size])
        i += size
    if i < len(digits):
        parts.append(digits[i:])
    return sep.join(p for p in parts if p)


@st.composite
def personal_value(draw) -> tuple[str, str]:
    """``(as written, canonical digits or e-mail)``: a CCCD, a mobile, a landline or an e-mail."""
    kind = draw(st.sampled_from(("cccd", "mobile", "landline", "email")))
    sep = draw(st.sampled_from(SEPARATORS))
    if kind == "email":
        user = draw(st.text(alphabet=string.ascii_lowercase + string.digits, min_size=3, max_size=10))
        domain = draw(st.sampled_from(("gmail.com", "yahoo.com.vn", "example.vn")))
        value = f"{user}@{domain}"
        return value, value
    if kind == "cccd":
        digits = "0" + draw(st.text(alphabet=string.digits, min_size=11, max_size=11))
        sizes = draw(st.sampled_from(((3, 3, 3, 3), (4, 4, 4), (3, 3, 6), (12,))))
        return _grouped(digits, sizes, sep), digits
    if kind == "mobile":
        national = draw(st.sampled_from("35789")) + draw(
            st.text(alphabet=string.digits, min_size=8, max_size=8)
        )
    else:
        national = (
            "2"
            + draw(st.sampled_from(("35", "36", "28", "43")))
            + draw(st.text(alphabet=string.digits, min_size=7, max_size=7))
        )
    if draw(st.booleans()):
        written = "+84 " + _grouped(national, (3, 3, 3), sep if sep else " ")
    else:
        written = _grouped("0" + national, (4, 3, 3) if kind == "mobile" else (4, 3, 4), sep)
    return written, "0" + national


@st.composite
def citizen_text(draw) -> tuple[str, list[str]]:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=8))
    values = draw(st.lists(personal_value(), min_size=1, max_size=3))
    pieces = list(words)
    for written, _canonical in values:
        pieces.insert(draw(st.integers(0, len(pieces))), written)
    return " ".join(pieces) + ".", [canonical for _w, canonical in values]


@pytest.fixture
def desk(db):
    from minhbach.core.workdays.seed import seed_years
    from minhbach.units.tests.factories import make_agency

    seed_years([2024])
    return make_agency(name="UBND xã Mờ")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=citizen_text())
def test_fuzzed_texts_are_redacted_on_the_public_pages(client, desk, case):
    text, secrets = case
    at = dt.datetime(2024, 3, 4, 9, tzinfo=dt.UTC)
    item = services.feedback_receive(
        actor=None, agency=desk, channel="minhbach", text=text, received_at=at,
        sender=services.Sender(name="Phạm Văn Lộc", address="Thôn 9", phone="0905000111"),
    )  # fmt: skip
    for step, kwargs in (("start_handling", {}), ("submit_answer", {"answer": "Đã xử lý."}), ("approve", {})):
        item = getattr(services, f"feedback_{step}")(actor=None, feedback=item, at=at, **kwargs)
    item = services.feedback_publish(
        actor=None, feedback=item, question_redacted=services.suggest_redaction(item), at=at
    )
    for path in (f"/phan-anh/{item.code}/", "/phan-anh/", f"/phan-anh/?q={item.code}"):
        response = client.get(path)
        assert response.status_code == 200
        page = visible(response.content.decode())
        runs = digit_runs(page)
        for secret in secrets:
            if "@" in secret:
                assert secret not in page, (path, text)
            else:
                assert not any(secret in run or secret[1:] in run for run in runs), (path, text, secret)


def test_the_checker_catches_leaks_and_keeps_official_contacts():
    page = '<p>Gọi <b>0905.123.456</b></p><a href="mailto:an@gmail.com">x</a><td>0235 3882 101</td>'
    found = leaks(page, {"0905123456"}, {"an@gmail.com"}, {"0235 3882 101"})
    assert "citizen number 0905123456" in found and "citizen e-mail an@gmail.com" in found
    assert not any("3882" in f for f in found)
    assert leaks("<td>049</td><td>190000123</td>", set(), set(), set()) == []
    assert leaks("<p>CCCD 049 190 000 123</p>", set(), set(), set()) == ["cccd: '049 190 000 123'"]
