"""Integrity flags (DOMAIN.md §5.11, §7.4): each flag fires on its case and not on the near miss.

Period P = March 2024, all dossiers at Phòng X under a district committee; Phòng Y is empty.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.urls import reverse

from minhbach.core.models import RuleSet
from minhbach.dossiers.models import Applicant, Dossier, Extension, Status, SupplementRequest
from minhbach.indicators import integrity
from minhbach.indicators.compute import subtree_agencies
from minhbach.indicators.tests.conftest import at
from minhbach.ratings.models import Rating, RatingChannel
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

START, END = dt.date(2024, 3, 1), dt.date(2024, 3, 31)


@pytest.fixture
def units(db):
    committee = make_agency(name="UBND huyện Cờ", code="000.00.17.H49")
    x = make_agency(name="Phòng X", kind=Agency.Kind.OFFICE, parent=committee, code="000.08.17.H49")
    y = make_agency(name="Phòng Y", kind=Agency.Kind.OFFICE, parent=committee, code="000.09.17.H49")
    return committee, x, y


@pytest.fixture
def dossier(units, make_dossier):
    """A dossier at Phòng X whose record was entered at its acceptance (no back-dating)."""
    _committee, x, _y = units

    def _make(**fields):
        made = make_dossier(agency=x, **fields)
        if made.accepted_at:
            Dossier.objects.filter(pk=made.pk).update(created_at=made.accepted_at + dt.timedelta(minutes=5))
        return made

    return _make


def flagged(code, units):
    committee, x, y = units
    qs = integrity.records(integrity.FLAG_BY_CODE[code], subtree_agencies([committee]), START, END)
    counts = integrity.counts([committee, x, y], START, END, subtree_agencies([committee]))
    assert counts[committee.pk][code] == counts[x.pk][code] == qs.count()
    assert counts[y.pk][code] == 0
    return set(qs.values_list("pk", flat=True))


def test_withdraw_and_resubmit_within_30_days(units, dossier):
    a = Applicant.objects.create(full_name="Hồ Văn A", phone="0911000001")
    b = Applicant.objects.create(full_name="Hồ Văn B", phone="0911000002")
    dossier(
        owner=a,
        accepted="2024-03-01 08:00",
        due="2024-03-08 17:00",
        status=Status.WITHDRAWN,
        ended_at="2024-03-05 10:00",
    )
    again = dossier(owner=a, accepted="2024-03-20 08:00", due="2024-03-27 17:00")
    dossier(
        owner=b,
        accepted="2024-01-05 08:00",
        due="2024-01-12 17:00",
        status=Status.WITHDRAWN,
        ended_at="2024-01-10 10:00",
    )
    dossier(owner=b, accepted="2024-03-15 08:00", due="2024-03-22 17:00")  # 65 days later: not flagged
    dossier(
        owner=Applicant.objects.create(full_name="Khác", phone="0911000003"),
        accepted="2024-03-21 08:00",
        due="2024-03-28 17:00",
    )
    assert flagged("resubmit", units) == {again.pk}


@pytest.mark.parametrize(
    ("first", "second", "same_person"),
    [
        ({"citizen_id": "049201000111", "full_name": "A", "phone": ""}, {"citizen_id": "049201000111"}, True),
        (
            {"tax_code": "4000123456", "full_name": "Cty A"},
            {"tax_code": "4000123456", "full_name": "Cty B"},
            True,
        ),
        (
            {"full_name": "Nguyen Van Ba", "phone": "0905111222"},
            {"full_name": "NGUYEN VAN BA", "phone": "0905111222"},
            True,
        ),
        (
            # Vietnamese letters fold too, on both databases (Applicant.name_key), and a name typed
            # in decomposed form (NFD) or with extra spaces is the same name.
            {"full_name": "Đinh Thị Ngọc Ánh", "phone": "0905111222"},
            {"full_name": unicodedata.normalize("NFD", "ĐINH  THỊ NGỌC ÁNH"), "phone": "0905111222"},
            True,
        ),
        (
            {"full_name": "Nguyễn Văn Ba", "phone": "0905111222"},
            {"full_name": "Nguyễn Văn Bá", "phone": "0905111222"},
            False,
        ),
        (
            {"full_name": "Nguyễn Văn Ba", "phone": "0905111222"},
            {"full_name": "Lê Thị Tư", "phone": "0905111222"},
            False,
        ),
        ({"citizen_id": "049201000111"}, {"citizen_id": "049201000222"}, False),
    ],
)
def test_resubmit_matches_the_person_across_applicant_records(units, dossier, first, second, same_person):
    """Each filing has its own applicant record: the person is matched as in the one-go rule."""
    defaults = {"full_name": "Người nộp", "phone": ""}
    dossier(
        owner=Applicant.objects.create(**{**defaults, **first}),
        accepted="2024-03-01 08:00",
        due="2024-03-08 17:00",
        status=Status.WITHDRAWN,
        ended_at="2024-03-05 10:00",
    )
    again = dossier(
        owner=Applicant.objects.create(**{**defaults, **second}),
        accepted="2024-03-20 08:00",
        due="2024-03-27 17:00",
    )
    assert flagged("resubmit", units) == ({again.pk} if same_person else set())


def test_resubmit_counts_a_withdrawal_that_ended_before_the_period(units, dossier):
    """A withdrawal on 20/02 and a new filing on 12/3 (21 days): the flag belongs to March."""
    person = {"full_name": "Đinh Thị Năm", "citizen_id": "049301000555"}
    dossier(
        owner=Applicant.objects.create(**person),
        accepted="2024-02-12 08:00",
        due="2024-02-23 17:00",
        status=Status.WITHDRAWN,
        ended_at="2024-02-20 09:00",
    )
    again = dossier(
        owner=Applicant.objects.create(**person), accepted="2024-03-12 08:00", due="2024-03-19 17:00"
    )
    assert flagged("resubmit", units) == {again.pk}


def test_supplement_request_in_the_last_tenth_of_the_time(units, dossier):
    late = dossier(accepted="2024-03-01 08:00", due="2024-03-11 08:00", original_due_at="2024-03-11 08:00")
    early = dossier(accepted="2024-03-01 08:00", due="2024-03-11 08:00", original_due_at="2024-03-11 08:00")
    SupplementRequest.objects.create(
        dossier=late, stage="after_acceptance", requested_at=at("2024-03-10 12:00"), reason="Thiếu giấy tờ"
    )
    SupplementRequest.objects.create(
        dossier=early, stage="after_acceptance", requested_at=at("2024-03-05 12:00"), reason="Thiếu giấy tờ"
    )
    assert flagged("late_supplement", units) == {late.pk}


def test_receipt_entered_after_the_fact(units, dossier, make_dossier):
    _committee, x, _y = units
    dossier(accepted="2024-03-04 08:00", due="2024-03-11 17:00")  # entered 5 minutes later
    backdated = make_dossier(agency=x, accepted="2024-03-04 08:00", due="2024-03-11 17:00")  # entered today
    assert flagged("backdated", units) == {backdated.pk}


def test_apology_after_the_due_date(units, dossier):
    after = dossier(accepted="2024-03-01 08:00", due="2024-03-11 17:00", original_due_at="2024-03-11 17:00")
    marked = dossier(accepted="2024-03-01 08:00", due="2024-03-11 17:00", original_due_at="2024-03-11 17:00")
    timely = dossier(accepted="2024-03-01 08:00", due="2024-03-11 17:00", original_due_at="2024-03-11 17:00")
    new_due = at("2024-03-20 17:00")
    Extension.objects.create(dossier=after, issued_at=at("2024-03-12 09:00"), reason="x", new_due_at=new_due)
    Extension.objects.create(
        dossier=marked, issued_at=at("2024-03-11 09:00"), reason="x", new_due_at=new_due, apology_late=True
    )
    Extension.objects.create(dossier=timely, issued_at=at("2024-03-07 09:00"), reason="x", new_due_at=new_due)
    assert flagged("late_apology", units) == {after.pk, marked.pk}


def test_closed_without_delivery(units, dossier):
    never = dossier(
        accepted="2024-03-01 08:00",
        due="2024-03-11 17:00",
        status=Status.FINISHED,
        finished_at="2024-03-05 10:00",
        ended_at="2024-03-05 10:00",
    )
    slow = dossier(
        accepted="2024-03-01 08:00",
        due="2024-03-11 17:00",
        status=Status.RETURNED,
        finished_at="2024-03-05 10:00",
        ended_at="2024-03-05 10:00",
        returned_at="2024-03-20 10:00",
    )
    dossier(
        accepted="2024-03-01 08:00",
        due="2024-03-11 17:00",
        status=Status.RETURNED,
        finished_at="2024-03-05 10:00",
        ended_at="2024-03-05 10:00",
        returned_at="2024-03-06 10:00",
    )
    # Finished on the last day of P: the 5 days have not passed at the end of P.
    dossier(
        accepted="2024-03-01 08:00",
        due="2024-03-31 17:00",
        status=Status.FINISHED,
        finished_at="2024-03-30 10:00",
        ended_at="2024-03-30 10:00",
    )
    assert flagged("undelivered", units) == {never.pk, slow.pk}


def test_thresholds_are_read_from_the_rule_set(units, dossier):
    dossier(
        accepted="2024-03-01 08:00",
        due="2024-03-11 17:00",
        status=Status.FINISHED,
        finished_at="2024-03-05 10:00",
        ended_at="2024-03-05 10:00",
    )
    assert integrity.thresholds(END)["undelivered_after_days"] == 5
    assert len(flagged("undelivered", units)) == 1
    RuleSet.objects.create(
        domain="indicators",
        code="vn-integrity",
        version=2,
        name="Ngưỡng",
        valid_from=dt.date(2024, 1, 1),
        settings={"integrity": {"undelivered_after_days": 30}},
    )
    assert integrity.thresholds(END)["undelivered_after_days"] == 30
    assert flagged("undelivered", units) == set()


def test_kiosk_ratings_counted_per_channel(units, dossier):
    committee, _x, _y = units
    ids = []
    for channel in (RatingChannel.KIOSK, RatingChannel.QR, RatingChannel.QR):
        d = dossier(
            accepted="2024-03-01 08:00",
            due="2024-03-05 17:00",
            status=Status.RETURNED,
            finished_at="2024-03-04 10:00",
            ended_at="2024-03-04 10:00",
            returned_at="2024-03-04 15:00",
        )
        rating = Rating.objects.create(dossier=d, level="hai_long", satisfied=True, channel=channel)
        Rating.objects.filter(pk=rating.pk).update(created_at=at("2024-03-04 16:00"))
        ids.append(rating.pk)
    assert flagged("kiosk_rating", units) == {ids[0]}
    assert integrity.rating_channels(subtree_agencies([committee]), START, END) == {"kiosk": 1, "qr": 2}


def test_feedback_answered_but_not_published(units):
    from minhbach.feedback.models import Feedback, State

    _committee, x, _y = units
    common = {
        "channel": "minhbach",
        "text": "Nội dung",
        "agency": x,
        "category": "other",
        "class_766": "regulation",
        "received_at": at("2024-03-02 08:00"),
        "timer_start": at("2024-03-02 08:00"),
    }
    refused = Feedback.objects.create(code="PAKN.1", state=State.REFUSED, answer="Đã trả lời", **common)
    stuck = Feedback.objects.create(
        code="PAKN.2",
        state=State.AWAITING_PUBLICATION,
        answer="Trả lời",
        approved_at=at("2024-03-10 08:00"),
        publish_due_at=at("2024-03-13 00:00"),
        **common,
    )
    Feedback.objects.create(code="PAKN.3", state=State.REFUSED, **common)  # refused without answer
    Feedback.objects.create(
        code="PAKN.4",
        state=State.PUBLISHED,
        answer="Trả lời",
        approved_at=at("2024-03-10 08:00"),
        publish_due_at=at("2024-03-13 00:00"),
        published_at=at("2024-03-11 08:00"),
        **common,
    )
    assert flagged("feedback_unpublished", units) == {refused.pk, stuck.pk}


def test_flag_page_lists_records_without_personal_data(client, units, dossier, django_assert_max_num_queries):
    committee, _x, _y = units
    owner = Applicant.objects.create(
        full_name="Phạm Thị Riêng", phone="0988777666", citizen_id="049123456789"
    )
    dossier(
        owner=owner,
        accepted="2024-03-01 08:00",
        due="2024-03-11 17:00",
        status=Status.FINISHED,
        finished_at="2024-03-05 10:00",
        ended_at="2024-03-05 10:00",
    )
    url = (
        reverse("indicators-public:flag", args=[committee.slug, "undelivered"])
        + "?tu=2024-03-01&den=2024-03-31"
    )
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Phòng X" in text and response.context["page"].paginator.count == 1
    for personal in ("Phạm Thị Riêng", "0988777666", "049123456789"):
        assert personal not in text
    assert (
        client.get(
            reverse("indicators-public:flag", args=[committee.slug, "nope"]) + "?tu=2024-03-01&den=2024-03-31"
        ).status_code
        == 404
    )
