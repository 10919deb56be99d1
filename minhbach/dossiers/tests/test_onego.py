"""“One go” (D11, DOMAIN.md §5.7): a table of histories and the rate as one query."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.db import connection

from minhbach.dossiers import onego, services
from minhbach.dossiers.models import Applicant, Dossier, fold_name
from minhbach.dossiers.tests.conftest import at

pytestmark = pytest.mark.django_db

LAN = services.ApplicantData(full_name="Hồ Thị Lan", citizen_id="049190000123", phone="0905123456")
TOI = services.ApplicantData(full_name="Hồ Văn Tới", citizen_id="049190000999", phone="0905999999")


def _submit(desk, version, when: str, owner=LAN) -> Dossier:
    return services.dossier_register(
        actor=None,
        procedure_version=version,
        channel=1,
        receiving_agency=desk,
        owner=owner,
        submitted_at=at(when),
    )


def _accept(dossier: Dossier, when: str) -> Dossier:
    return services.dossier_accept(actor=None, dossier=dossier, accepted_at=at(when))


def _ask(dossier: Dossier, when: str) -> None:
    services.dossier_request_supplement(
        actor=None, dossier=dossier, items=[{"name": "Tờ khai"}], reason="Thiếu", at=at(when)
    )


def test_plain_acceptance_is_one_go(desk, version):
    dossier = _accept(_submit(desk, version, "2024-03-04 08:00"), "2024-03-04 08:10")
    assert onego.one_go_of(dossier) is True


def test_one_request_before_acceptance_is_tolerated_two_are_not(desk, version):
    once = _submit(desk, version, "2024-03-04 08:00")
    _ask(once, "2024-03-04 08:05")
    once = _accept(once, "2024-03-05 08:00")
    twice = _submit(desk, version, "2024-03-04 09:00", owner=TOI)
    _ask(twice, "2024-03-04 09:05")
    twice.refresh_from_db()
    # A second supplement form before acceptance: registered again after the first completion.
    services.dossier_accept(actor=None, dossier=twice, accepted_at=at("2024-03-04 10:00"))
    Dossier.objects.filter(pk=twice.pk).update(supplements_before=2)
    assert onego.one_go_of(once) is True
    assert onego.one_go_of(twice) is False


def test_a_request_after_acceptance_breaks_one_go(desk, version):
    dossier = _accept(_submit(desk, version, "2024-03-04 08:00"), "2024-03-04 08:10")
    services.dossier_transfer(actor=None, dossier=dossier, at=at("2024-03-04 09:00"))
    _ask(dossier, "2024-03-05 09:00")
    assert onego.one_go_of(dossier) is False


@pytest.mark.parametrize(
    ("refused_on", "accepted_on", "expected"),
    [("2024-03-01 09:00", "2024-03-20 09:00", False), ("2024-01-05 09:00", "2024-03-20 09:00", True)],
)
def test_a_refusal_in_the_last_30_days_breaks_one_go(desk, version, refused_on, accepted_on, expected):
    first = _submit(desk, version, refused_on)
    services.dossier_refuse(actor=None, dossier=first, reason="Không đủ điều kiện", at=at(refused_on))
    again = _accept(_submit(desk, version, accepted_on), accepted_on)
    other = _accept(_submit(desk, version, accepted_on, owner=TOI), accepted_on)
    assert onego.one_go_of(again) is expected
    assert onego.one_go_of(other) is True  # somebody else's refusal does not count


def test_a_refusal_of_the_same_name_and_phone_in_another_case_breaks_one_go(desk, version):
    """Without an ID on either filing, the person is the folded name and the phone (§5.7 rule 3)."""
    first = _submit(desk, version, "2024-03-01 09:00", owner=services.ApplicantData(
        full_name="Đặng Thị Ánh", phone="0905777888"))  # fmt: skip
    services.dossier_refuse(actor=None, dossier=first, reason="Thiếu giấy tờ", at=at("2024-03-01 10:00"))
    same = services.ApplicantData(full_name=unicodedata.normalize("NFD", "ĐẶNG THỊ  ÁNH"), phone="0905777888")
    other_phone = services.ApplicantData(full_name="Đặng Thị Ánh", phone="0905777999")
    other_name = services.ApplicantData(full_name="Đặng Thị Anh", phone="0905777888")
    again, *others = (
        _accept(_submit(desk, version, "2024-03-10 09:00", owner=owner), "2024-03-10 09:10")
        for owner in (same, other_phone, other_name)
    )
    assert onego.one_go_of(again) is False
    assert [onego.one_go_of(d) for d in others] == [True, True]
    # The whole-table statement finds the same dossier.
    sql, params = onego.earlier_failure_ids_sql(30)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert [row[0] for row in cursor.fetchall()] == [again.pk]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Nguyễn Văn An", "nguyễn văn an"),
        ("  NGUYỄN   VĂN\tAN ", "nguyễn văn an"),
        (unicodedata.normalize("NFD", "ĐINH THỊ ÁNH"), "đinh thị ánh"),
        ("", ""),
    ],
)
def test_fold_name(name, key):
    assert fold_name(name) == key
    assert unicodedata.is_normalized("NFC", fold_name(name))


def test_every_writer_stores_the_name_key():
    """``NameKeyField.pre_save`` runs on save and on bulk_create, and follows a renamed applicant."""
    saved = Applicant.objects.create(full_name="LÊ VĂN TÁM")
    Applicant.objects.bulk_create([Applicant(full_name="Lê  Văn Tám")])
    assert set(Applicant.objects.values_list("name_key", flat=True)) == {"lê văn tám"}
    saved.full_name = "Lê Văn Chín"
    saved.save(update_fields=["full_name", "name_key"])
    assert Applicant.objects.get(pk=saved.pk).name_key == "lê văn chín"


def test_an_exemption_for_new_facts_restores_one_go(desk, version):
    first = _submit(desk, version, "2024-03-01 09:00")
    services.dossier_withdraw(actor=None, dossier=first, reason="Công dân rút", at=at("2024-03-01 10:00"))
    again = _accept(_submit(desk, version, "2024-03-10 09:00"), "2024-03-11 09:00")
    assert onego.one_go_of(again) is False
    with pytest.raises(services.TransitionError):
        services.dossier_exempt_one_go(actor=None, dossier=again, reason=" ")
    services.dossier_exempt_one_go(actor=None, dossier=again, reason="Bổ sung giấy tờ mới được cấp")
    assert onego.one_go_of(again) is True


def test_withdrawn_and_unaccepted_dossiers_do_not_count(desk, version):
    withdrawn = _accept(_submit(desk, version, "2024-03-04 08:00"), "2024-03-04 08:10")
    services.dossier_withdraw(actor=None, dossier=withdrawn, reason="Rút", at=at("2024-03-04 09:00"))
    pending = _submit(desk, version, "2024-03-04 08:30", owner=TOI)
    assert onego.one_go_of(withdrawn) is None and onego.one_go_of(pending) is None


def test_rate_is_one_query_and_na_without_dossiers(desk, version, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert onego.one_go_rate(Dossier.objects.all()) == {"total": 0, "one_go": 0, "rate": None}
    _accept(_submit(desk, version, "2024-03-04 08:00"), "2024-03-04 08:10")
    late = _accept(_submit(desk, version, "2024-03-04 09:00", owner=TOI), "2024-03-04 09:10")
    services.dossier_transfer(actor=None, dossier=late, at=at("2024-03-04 10:00"))
    _ask(late, "2024-03-05 09:00")
    with django_assert_num_queries(1):
        assert onego.one_go_rate(Dossier.objects.all()) == {"total": 2, "one_go": 1, "rate": 50.0}


def test_rules_come_from_the_rule_set():
    settings = {"dossier": {"one_go": {"max_post_acceptance_requests": 1}}}
    assert onego.rules(settings) == {
        "max_pre_acceptance_requests": 1,
        "max_post_acceptance_requests": 1,
        "resubmission_window_days": 30,
    }
    assert dt.timedelta(days=onego.rules(None)["resubmission_window_days"]) == dt.timedelta(days=30)
