"""Satisfaction ratings: tokens, the single write, the SQL aggregates and the pages (DOMAIN.md §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from minhbach.core.models import LedgerEntry, RuleSet
from minhbach.core.workdays.seed import seed_years
from minhbach.dossiers import links
from minhbach.dossiers import services as dossier_services
from minhbach.dossiers.models import Punctuality
from minhbach.dossiers.tests.conftest import at
from minhbach.procedures.tests.factories import make_procedure
from minhbach.ratings import selectors, services, tokens
from minhbach.ratings.models import Rating, RatingChannel, RatingTokenUse

MARCH = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def build(district):
    """``build(agency, returned=…, late=…)``: a dossier taken through accept → transfer → finish → return."""
    seed_years([2024])
    version = make_procedure(days=3)

    def _build(
        agency, *, returned: str | None = "2024-03-07 10:00", late: bool = False, day: str = "2024-03-04"
    ):
        dossier = dossier_services.dossier_register(
            actor=None,
            procedure_version=version,
            channel=1,
            receiving_agency=agency,
            owner=dossier_services.ApplicantData(full_name="Hồ Thị Lan", citizen_id="049190000123"),
            submitted_at=at(f"{day} 08:00"),
        )
        dossier = dossier_services.dossier_accept(actor=None, dossier=dossier, accepted_at=at(f"{day} 08:05"))
        dossier = dossier_services.dossier_transfer(actor=None, dossier=dossier, at=at(f"{day} 09:00"))
        if returned is None:
            return dossier
        finished = at("2024-03-20 10:00") if late else at(f"{day} 15:00")
        dossier = dossier_services.dossier_finish(actor=None, dossier=dossier, at=finished)
        returned_at = max(at(returned), finished)
        return dossier_services.dossier_return(actor=None, dossier=dossier, at=returned_at)

    return _build


def rate(dossier, level, channel=RatingChannel.KIOSK, **kwargs):
    if channel == RatingChannel.QR:
        kwargs.setdefault("token", tokens.rating_token(dossier.code))
    return services.rating_submit(dossier=dossier, level=level, channel=channel, **kwargs)


# --- Tokens ----------------------------------------------------------------------------------


def test_rating_url_is_absolute_and_signed_apart_from_the_lookup(settings):
    settings.PUBLIC_BASE_URL = "https://minhbach.example.gov.vn"
    code = "000.31.15.H49-240304-0001"
    url = tokens.rating_url(code)
    token = url.split("?t=", 1)[1]
    assert url.startswith(f"https://minhbach.example.gov.vn/danh-gia/{code}/?t=")
    assert tokens.token_matches(code, token)
    assert not tokens.token_matches("000.31.15.H49-240304-0002", token)
    assert not tokens.token_matches(code, links.lookup_token(code))  # another salt
    assert reverse("ratings:rate", args=[code]) == tokens.RATING_PATH.format(code=code)


# --- Service ---------------------------------------------------------------------------------


def test_token_works_once_and_the_second_use_writes_nothing(build, district):
    dossier = build(district.desk_a)
    rate(dossier, "very_satisfied", RatingChannel.QR)
    entries = LedgerEntry.objects.count()
    with pytest.raises(services.RatingRefused) as refused:
        rate(dossier, "dissatisfied", RatingChannel.QR)
    assert refused.value.status == 409
    assert "đã được sử dụng" in refused.value.messages[0]
    assert list(Rating.objects.values_list("level", "superseded")) == [("very_satisfied", False)]
    assert LedgerEntry.objects.count() == entries


def test_rating_before_the_result_is_returned_is_refused(build, district):
    dossier = build(district.desk_a, returned=None)
    with pytest.raises(services.RatingRefused) as refused:
        rate(dossier, "satisfied", RatingChannel.QR)
    assert refused.value.status == 400
    assert "chưa được trả kết quả" in refused.value.messages[0]
    assert not Rating.objects.exists()
    assert not RatingTokenUse.objects.exists()  # the token is still good for later


@pytest.mark.parametrize(
    ("level", "satisfied"),
    [("very_satisfied", True), ("satisfied", True), ("neutral", False), ("dissatisfied", False)],
)
def test_default_levels_map_only_the_first_two_to_satisfied(build, district, level, satisfied):
    assert rate(build(district.desk_a), level).satisfied is satisfied


def test_levels_come_from_the_rule_set_in_force(build, district):
    dossier = build(district.desk_a)
    RuleSet.objects.create(
        domain="onestop",
        code="kiosk-5",
        name="Thang 3 mức",
        valid_from=timezone.localdate(),  # newer than the seeded one-stop sets
        settings={
            "ratings": {
                "levels": [
                    {"code": "good", "label": "Hài lòng", "satisfied": True},
                    {"code": "neutral", "label": "Bình thường", "satisfied": True},
                    {"code": "bad", "label": "Không hài lòng", "satisfied": False},
                ]
            }
        },
    )
    assert rate(dossier, "neutral").satisfied is True
    with pytest.raises(services.RatingRefused):
        rate(dossier, "very_satisfied")  # not a level of this rule set


def test_latest_rating_wins_and_history_is_kept(build, district):
    dossier = build(district.desk_a)
    first = rate(dossier, "dissatisfied")
    second = rate(dossier, "satisfied", RatingChannel.QR, criteria={"1": 2, "7": "0"}, comment=" Nhanh ")
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert second.criteria == {"1": 2, "7": 0} and second.comment == "Nhanh"
    with pytest.raises(services.RatingRefused):
        rate(dossier, "satisfied", criteria={"10": 1})
    with pytest.raises(services.RatingRefused):
        rate(dossier, "satisfied", criteria={"1": 3})


def test_ledger_event_does_not_name_the_dossier_or_the_level(build, district):
    dossier = build(district.desk_a)
    rating = rate(dossier, "dissatisfied")
    entry = LedgerEntry.objects.get(action="rating.submit")
    assert entry.object_id == str(rating.pk)
    assert dossier.code not in entry.payload and "dissatisfied" not in entry.payload
    assert not {f.name for f in Rating._meta.get_fields()} & {"user", "actor", "ip", "created_by"}


# --- Aggregates ------------------------------------------------------------------------------


@pytest.fixture
def handmade(build, district):
    """Commune A (desk A) in March 2024:

    d1 on time, very satisfied (QR) · d2 on time, dissatisfied (kiosk) · d3 late, satisfied ·
    d4 late, dissatisfied · d5 on time, unrated · d6 on time, neutral (kiosk) then satisfied (QR).
    Desk B: d7 late, unrated. Desk A in April: d8 dissatisfied (outside the period).
    """
    d = {n: build(district.desk_a, late=n in (3, 4)) for n in range(1, 7)}
    d[7] = build(district.desk_b, late=True)
    d[8] = build(district.desk_a, day="2024-04-01", returned="2024-04-03 10:00")
    rate(d[1], "very_satisfied", RatingChannel.QR)
    rate(d[2], "dissatisfied", RatingChannel.KIOSK)
    rate(d[3], "satisfied", RatingChannel.QR)
    rate(d[4], "dissatisfied", RatingChannel.QR, comment="Bị hẹn nhiều lần")
    rate(d[6], "neutral", RatingChannel.KIOSK)
    rate(d[6], "satisfied", RatingChannel.QR)
    rate(d[8], "dissatisfied", RatingChannel.KIOSK)
    assert [d[n].punctuality == Punctuality.LATE for n in range(1, 8)] == [False, False, True, True, False,
                                                                          False, True]  # fmt: skip
    return d


def test_survey_of_a_unit_counts_current_ratings_in_one_query(handmade, district, django_assert_num_queries):
    with django_assert_num_queries(1):
        summary = selectors.survey(district.commune_a, *MARCH)
    assert summary.by_level == {"very_satisfied": 1, "satisfied": 2, "dissatisfied": 2}
    assert (summary.ratings, summary.satisfied, summary.kiosk) == (5, 3, 1)
    assert summary.survey_rate == Decimal("60.00")  # 3 / 5
    assert summary.kiosk_share == Decimal("20.00")  # d2 only: d6's kiosk rating was superseded


def test_766_rate_subtracts_each_dossier_once_in_one_query(handmade, district, django_assert_num_queries):
    with django_assert_num_queries(1):
        commune = selectors.rate_766(district.commune_a, *MARCH)
    # late {d3, d4} ∪ dissatisfied {d2, d4} = 3 of 6 dossiers.
    assert (commune.dossiers, commune.late, commune.dissatisfied, commune.penalised) == (6, 2, 2, 3)
    assert commune.rate == Decimal("50.00")
    # The district adds d7 (late, unrated: penalised although nobody rated it): 100 − 4/7.
    district_rate = selectors.rate_766(district.committee, *MARCH)
    assert (district_rate.dossiers, district_rate.penalised) == (7, 4)
    assert district_rate.rate == Decimal("42.86")
    assert selectors.survey(district.committee, *MARCH).survey_rate == Decimal("60.00")


def test_rates_are_not_applicable_without_a_denominator(handmade, district):
    commune_b = selectors.survey(district.commune_b, *MARCH)
    assert commune_b.ratings == 0 and commune_b.survey_rate is None and commune_b.kiosk_share is None
    assert selectors.rate_766(district.commune_b, *MARCH).rate == Decimal("0.00")  # d7 late, 1 dossier
    empty = selectors.rate_766(district.commune_a, dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert empty.dossiers == 0 and empty.rate is None


# --- Citizen page ----------------------------------------------------------------------------


def _rate_url(dossier, token=None):
    return f"{reverse('ratings:rate', args=[dossier.code])}?t={token or tokens.rating_token(dossier.code)}"


def test_citizen_rates_once_from_the_qr(client, build, district):
    dossier = build(district.desk_a)
    url = _rate_url(dossier)
    page = client.get(url)
    assert page.status_code == 200
    assert "Rất hài lòng" in page.content.decode() and "Không hài lòng" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    done = client.post(url, {"level": "satisfied", "c1": "2", "c9": "", "comment": "Cán bộ tận tình"})
    assert done.status_code == 302 and done["Location"] == reverse("ratings:thanks")
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.criteria) == ("satisfied", "qr", {"1": 2})
    again = client.post(url, {"level": "dissatisfied"})
    assert again.status_code == 409
    assert "đã được sử dụng" in again.content.decode()
    assert client.get(url).status_code == 409
    assert Rating.objects.count() == 1


def test_citizen_page_before_return_and_with_a_bad_token(client, build, district):
    dossier = build(district.desk_a, returned=None)
    page = client.get(_rate_url(dossier))
    assert page.status_code == 200 and "chưa được trả kết quả" in page.content.decode()
    assert client.post(_rate_url(dossier), {"level": "satisfied"}).status_code == 400
    assert client.get(_rate_url(dossier, links.lookup_token(dossier.code))).status_code == 404
    assert client.get(reverse("ratings:rate", args=[dossier.code])).status_code == 404
    assert not Rating.objects.exists() and not RatingTokenUse.objects.exists()


def test_citizen_page_refuses_a_long_comment_and_needs_csrf(build, district, client):
    from django.test import Client

    dossier = build(district.desk_a)
    url = _rate_url(dossier)
    long = client.post(url, {"level": "satisfied", "comment": "x" * 1001})
    assert long.status_code == 400
    assert Client(enforce_csrf_checks=True).post(url, {"level": "satisfied"}).status_code == 403
    assert not Rating.objects.exists() and not RatingTokenUse.objects.exists()


# --- Kiosk -----------------------------------------------------------------------------------


def test_kiosk_rates_a_dossier_of_its_agency(client, build, district):
    mine, other = build(district.desk_a), build(district.desk_b)
    url = reverse("ratings:kiosk", args=[district.commune_a.slug])
    assert client.get(url).status_code == 200
    done = client.post(url, {"code": mine.code, "level": "very_satisfied"})
    assert done.status_code == 200 and "Cảm ơn" in done.content.decode()
    assert Rating.objects.get().channel == RatingChannel.KIOSK
    refused = client.post(url, {"code": other.code, "level": "dissatisfied"})
    assert refused.status_code == 400 and "Không tìm thấy hồ sơ" in refused.content.decode()
    assert Rating.objects.count() == 1


def test_kiosk_refuses_a_dossier_not_yet_returned(client, build, district):
    dossier = build(district.desk_a, returned=None)
    url = reverse("ratings:kiosk", args=[district.desk_a.slug])
    response = client.post(url, {"code": dossier.code, "level": "satisfied"})
    assert response.status_code == 400 and "chưa được trả kết quả" in response.content.decode()
    assert not Rating.objects.exists()


def test_kiosk_is_throttled_per_client_ip(client, build, district, settings):
    settings.RATINGS_KIOSK_RATE_LIMIT = 2
    dossier = build(district.desk_a)
    url = reverse("ratings:kiosk", args=[district.desk_a.slug])
    for _ in range(2):
        assert client.post(url, {"code": dossier.code, "level": "satisfied"}).status_code == 200
    blocked = client.post(url, {"code": dossier.code, "level": "dissatisfied"})
    assert blocked.status_code == 429 and "quá nhiều" in blocked.content.decode()
    assert Rating.objects.filter(level="dissatisfied").count() == 0
    other = client.post(url, {"code": dossier.code, "level": "satisfied"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


# --- Staff statistics ------------------------------------------------------------------------


def _stats_url(agency):
    return f"{reverse('ratings:stats', args=[agency.slug])}?tu=2024-03-01&den=2024-03-31"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("no_unit", 404), ("officer_b", 404), ("officer_a", 404), ("leader_a", 200),
     ("secretariat", 200)],
)  # fmt: skip
def test_statistics_are_scoped(client, users, handmade, district, who, status):
    if who != "anonymous":
        client.force_login(users[who])
    assert client.get(_stats_url(district.commune_a)).status_code == status


def test_statistics_show_aggregates_but_never_who_rated_what(client, users, handmade, district):
    client.force_login(users["leader_a"])
    body = client.get(_stats_url(district.commune_a)).content.decode()
    assert 'data-figure="survey-rate">60,00%' in body
    assert 'data-figure="kiosk-share">20,00%' in body
    assert 'data-figure="rate-766">50,00%' in body
    for dossier in handmade.values():
        assert dossier.code not in body
    assert "Bị hẹn nhiều lần" not in body  # comments are not shown either


def test_statistics_say_not_applicable_without_ratings(client, users, district):
    client.force_login(users["secretariat"])
    body = client.get(_stats_url(district.commune_b)).content.decode()
    assert "Không áp dụng (chưa có đánh giá)" in body
    assert "Không áp dụng (không có hồ sơ trả kết quả)" in body
