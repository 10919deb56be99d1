"""Staff pages: scoreboard, participant drill-down, registers; the role matrix and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minhbach.accounts.tests.factories import PASSWORD, make_official
from minhbach.emulation import services
from minhbach.emulation.models import AnnualRating, DisciplineCase, Evaluation, Initiative


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def evaluated(world, person, district):
    a, b, c = world.units
    world.set(a, C1=90)
    world.set(b, C5=None)  # N/A
    world.set(c, K1=7)  # fails the gate
    person(a)
    person(b, ratings=("HTTNV", None))  # pending rating
    services.discipline_case_record(
        actor=None,
        official=make_official(c),
        agency=c,
        status=DisciplineCase.Status.DECIDED,
        form="warning",
        decided_on=dt.date(2024, 1, 5),
    )
    return world.evaluate(seed="phiên họp 10/12/2024")


def test_movement_list_role_matrix(users, login, world):
    url = reverse("emulation:movements")
    for name in ("secretariat", "auditor"):
        response = login(users[name]).get(url)
        assert response.status_code == 200 and world.movement.name in response.content.decode()
    for name in ("officer_a", "leader_a", "no_unit"):
        assert login(users[name]).get(url).status_code == 404


def test_scoreboard_shows_gates_na_proposals_and_tie_breaks(users, login, evaluated, world):
    a, b, c = world.units
    page = login(users["auditor"]).get(reverse("emulation:movement", args=[world.movement.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'class="proposed" data-participant="agency:{a.pk}"' in html
    assert f'class="proposed" data-participant="agency:{b.pk}"' in html
    assert f'class="" data-participant="agency:{c.pk}"' in html
    assert "✗" in html and "N/A" in html and "chờ kết quả xếp loại (I1)" in html
    assert "Điểm" in html and "phiên họp 10/12/2024" in html
    assert "Tính điểm" not in html  # the auditor only views


def test_scoreboard_query_count_does_not_grow_with_participants(
    users, login, world, person, django_assert_max_num_queries
):
    for unit in world.units:
        for _ in range(3):
            person(unit)
    world.evaluate()
    client = login(users["secretariat"])
    url = reverse("emulation:movement", args=[world.movement.pk])
    client.get(url)  # warm the session and the user's scope
    with django_assert_max_num_queries(17):  # + the award rounds of the movement
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-participant="official:') == 9


def test_participant_page_shows_every_criterion_with_evidence(users, login, evaluated, world):
    _a, b, c = world.units
    client = login(users["secretariat"])
    html = client.get(reverse("emulation:collective", args=[evaluated.pk, c.pk])).content.decode()
    for code in ("C1", "C2", "C3", "C4", "C5", "K1", "K2", "K3", "K4", "K5", "K6", "K7"):
        assert f'data-criterion="{code}"' in html
    case = DisciplineCase.objects.get(agency=c)
    assert f"#kl-{case.pk}" in html and "indicator:K4" in html and "Kèm theo SAT" in html
    html_b = client.get(reverse("emulation:collective", args=[evaluated.pk, b.pk])).content.decode()
    assert "N/A" in html_b


def test_participant_page_of_an_individual_and_unknown_participant(users, login, evaluated, world):
    standing = evaluated.standings.filter(official__isnull=False).first()
    client = login(users["secretariat"])
    url = reverse("emulation:individual", args=[evaluated.pk, standing.official_id])
    html = client.get(url).content.decode()
    assert 'data-criterion="I1"' in html and 'data-criterion="P3"' in html
    assert client.get(reverse("emulation:individual", args=[evaluated.pk, 999999])).status_code == 404
    assert login(users["officer_a"]).get(url).status_code == 404


def test_evaluate_from_the_page_needs_the_secretariat_and_a_reason_to_recompute(
    users, login, world, monkeypatch
):
    from minhbach.emulation import evaluation

    monkeypatch.setattr(evaluation, "_indicator_values", lambda **kw: world.values)
    url = reverse("emulation:evaluate", args=[world.movement.pk])
    data = {"review": world.review.pk, "seed": "abc", "reason": ""}
    assert login(users["auditor"]).post(url, data).status_code == 404
    client = login(users["secretariat"])
    response = client.post(url, data)
    assert response.status_code == 302
    assert Evaluation.objects.get(review=world.review).computed_by == users["secretariat"]
    again = client.post(url, data)
    assert again.status_code == 400 and "lý do" in again.content.decode()
    assert Evaluation.objects.filter(review=world.review).count() == 1


def test_registers_list_and_add_for_the_secretariat_only(users, login, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = world.units[0]
    official = make_official(a)
    client = login(users["secretariat"])
    url = reverse("emulation:initiatives")
    response = client.post(
        url,
        {
            "title": "Một cửa lưu động",
            "agency": a.pk,
            "authors": [official.pk],
            "kind": "model",
            "recognition_number": "45/QĐ-UBND",
            "recognition_date": "2024-06-01",
            "attachment": SimpleUploadedFile("qd.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert list(initiative.authors.all()) == [official] and initiative.attachment.name.endswith(".pdf")
    assert f'id="sk-{initiative.pk}"' in client.get(url).content.decode()
    ratings = reverse("emulation:ratings")
    ok = {
        "official": official.pk,
        "year": 2024,
        "level": "HTTNV",
        "decided_on": "2024-12-20",
        "decided_by": "UBND",
    }
    assert client.post(ratings, ok).status_code == 302
    duplicate = client.post(ratings, ok)
    assert duplicate.status_code == 400 and "đã có kết quả" in duplicate.content.decode()
    assert AnnualRating.objects.count() == 1
    discipline = reverse("emulation:discipline")
    bad = client.post(discipline, {"official": official.pk, "agency": a.pk, "status": "decided"})
    assert bad.status_code == 400 and not DisciplineCase.objects.exists()
    # The auditor sees the registers but cannot add; a desk officer does not see them.
    auditor = login(users["auditor"])
    assert auditor.get(url).status_code == 200 and "Thêm mới" not in auditor.get(url).content.decode()
    assert auditor.post(ratings, ok).status_code == 404
    assert login(users["officer_a"]).get(url).status_code == 404


def test_login_required(client, world):
    response = client.get(reverse("emulation:movements"))
    assert response.status_code == 302 and PASSWORD not in response.url
