"""The records behind each number: evidence counts equal the table's numerator and denominator.

The dossier conditions of ``evidence`` are those of ``families.raw_counters``; these tests make
sure they can never drift, on the hand-built month of ``test_compute`` and on random dossiers.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.urls import reverse

from minhbach.dossiers.models import Applicant, DossierResult, Status
from minhbach.indicators import evidence, rollups
from minhbach.indicators.compute import subtree_agencies, table
from minhbach.indicators.tests.test_compute import END, START
from minhbach.ratings.models import Rating, RatingChannel
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

DOSSIER_FAMILIES = ("dossier", "dossier_time")


def assert_evidence_matches(unit, start, end, source):
    result = table(unit, start, end, source=source)
    agencies = subtree_agencies([unit])
    checked = 0
    for cell in result.cells:
        if cell.definition.family not in DOSSIER_FAMILIES:
            continue
        found = {
            part: evidence.dossier_records(agencies, start, end, cell.definition.measure, part)
            for part in evidence.PARTS
        }
        assert all(f is not None for f in found.values()), cell.definition.code
        for part in evidence.PARTS:  # what the page lists is these records, unless withheld
            listed = evidence.evidence(cell.definition, agencies, start, end, part)
            assert (listed is None) == evidence.withheld(cell.definition, part), cell.definition.code
        counts = {part: found[part].count() for part in evidence.PARTS}
        expected = cell.ratio or None
        if expected is None:  # N/A: zero denominator
            assert counts["denominator"] == 0, cell.definition.code
            continue
        assert counts["denominator"] == expected.denominator, cell.definition.code
        if cell.definition.value_kind != "days":  # 2.2's numerator is a sum of days, not a count
            assert counts["numerator"] == expected.numerator, cell.definition.code
        checked += 1
    return checked


@pytest.mark.parametrize("source", ["rollup", "raw"])
def test_evidence_equals_the_table_on_the_hand_built_month(scenario, source):
    committee, x, _y = scenario
    assert assert_evidence_matches(x, START, END, source) >= 8
    assert assert_evidence_matches(committee, START, END, source) >= 8
    on_time = evidence.evidence(table(x, START, END).cell("K1").definition, [x], START, END, "numerator")
    # K1 numerator: the two late dossiers (#2 closed late, #5 late by rule 3).
    assert on_time.queryset.count() == 2


@pytest.fixture
def random_month(make_dossier, version):
    """Sixty dossiers with random dates, states, channels, results and ratings over two units."""
    rng = random.Random(20240229)
    committee = make_agency(name="UBND huyện Ngẫu nhiên", code="000.00.16.H49")
    units = [
        make_agency(name=f"Phòng {i}", kind=Agency.Kind.OFFICE, parent=committee, code=f"000.1{i}.16.H49")
        for i in range(2)
    ]
    people = [Applicant.objects.create(full_name=f"Người {i}", phone=f"09050000{i:02d}") for i in range(5)]
    base = dt.datetime(2024, 1, 10, 8, 0)
    for _n in range(60):
        accepted = base + dt.timedelta(days=rng.randint(0, 70), hours=rng.randint(0, 8))
        due = accepted + dt.timedelta(days=rng.randint(1, 20), hours=1)
        state = rng.choice(
            [
                Status.IN_PROGRESS,
                Status.FINISHED,
                Status.RETURNED,
                Status.WITHDRAWN,
                Status.SUPPLEMENT_REQUESTED,
            ]
        )
        fields = {}
        end_at = accepted + dt.timedelta(days=rng.randint(0, 25))
        if state in (Status.FINISHED, Status.RETURNED):
            fields.update(finished_at=end_at.isoformat(" "), ended_at=end_at.isoformat(" "))
        if state == Status.RETURNED:
            fields["returned_at"] = (end_at + dt.timedelta(hours=3)).isoformat(" ")
        if state == Status.WITHDRAWN:
            fields["ended_at"] = end_at.isoformat(" ")
        if state == Status.SUPPLEMENT_REQUESTED:
            fields.update(stage="after_acceptance", paused_at=end_at.isoformat(" "), supplements_after=1)
        if rng.random() < 0.1:
            fields["supplements_after"] = 2
        dossier = make_dossier(
            agency=rng.choice(units),
            accepted=accepted.isoformat(" "),
            due=due.isoformat(" "),
            status=state,
            channel=rng.choice([1, 2]),
            owner=rng.choice(people),
            **fields,
        )
        if state == Status.RETURNED and rng.random() < 0.5:
            DossierResult.objects.create(dossier=dossier, name="KQ", file_url="https://example.invalid/k.pdf")
        if state == Status.RETURNED and rng.random() < 0.7:
            Rating.objects.create(
                dossier=dossier, level="x", satisfied=rng.random() < 0.7, channel=RatingChannel.QR
            )
    rollups.rebuild()
    return committee, units


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.date(2024, 2, 1), dt.date(2024, 2, 29)), (dt.date(2024, 1, 15), dt.date(2024, 3, 10))],
)
@pytest.mark.parametrize("source", ["rollup", "raw"])
def test_evidence_equals_the_table_on_random_dossiers(random_month, start, end, source):
    committee, units = random_month
    assert assert_evidence_matches(committee, start, end, source) >= 8
    for unit in units:
        assert_evidence_matches(unit, start, end, source)


def test_publication_evidence_equals_c1(scenario):
    from minhbach.disclosure.models import Kind, PublicationItem
    from minhbach.indicators.tests.conftest import at

    _committee, x, _y = scenario
    common = {
        "agency": x,
        "kind": Kind.PROCEDURE_LISTING,
        "trigger_kind": "test",
        "trigger_at": at("2024-02-01 08:00"),
    }
    PublicationItem.objects.create(
        title="Đúng hạn",
        trigger_ref="1",
        due_at=dt.date(2024, 2, 10),
        published_at=at("2024-02-09 10:00"),
        **common,
    )
    PublicationItem.objects.create(
        title="Trễ",
        trigger_ref="2",
        due_at=dt.date(2024, 2, 10),
        published_at=at("2024-02-12 10:00"),
        **common,
    )
    PublicationItem.objects.create(title="Chưa", trigger_ref="3", due_at=dt.date(2024, 2, 20), **common)
    PublicationItem.objects.create(title="Kỳ khác", trigger_ref="4", due_at=dt.date(2024, 3, 20), **common)
    cell = table(x, START, END).cell("C1")
    assert (cell.ratio.numerator, cell.ratio.denominator) == (Decimal(1), Decimal(3))
    for part, expected in (("numerator", 1), ("denominator", 3)):
        found = evidence.evidence(cell.definition, [x], START, END, part)
        assert found.kind == "publication" and found.queryset.count() == expected


def test_feedback_evidence_equals_group_5_and_k5(scenario):
    from minhbach.feedback.models import Category, Feedback, State, Substantiated
    from minhbach.indicators.tests.conftest import at

    _committee, x, _y = scenario

    def item(code, when, **fields):
        return Feedback.objects.create(
            code=code,
            channel="minhbach",
            text="Nội dung",
            agency=x,
            category=fields.pop("category", "other"),
            class_766=fields.pop("class_766", "regulation"),
            received_at=at(when),
            timer_start=at(when),
            **fields,
        )

    item(
        "PAKN.1",
        "2024-02-02 08:00",
        state=State.PUBLISHED,
        answer="Trả lời",
        answer_due_at=at("2024-02-28 00:00"),
        approved_at=at("2024-02-10 08:00"),
        publish_due_at=at("2024-02-14 00:00"),
        published_at=at("2024-02-12 08:00"),
    )
    item("PAKN.2", "2024-02-05 08:00", state=State.HANDLING, answer_due_at=at("2024-02-20 00:00"))
    item(
        "PAKN.3",
        "2024-01-20 08:00",
        state=State.HANDLING,
        class_766="staff",
        answer_due_at=at("2024-03-20 00:00"),
    )
    item(
        "PAKN.4",
        "2024-02-06 08:00",
        state=State.HANDLING,
        valid=False,
        category=Category.CONDUCT,
        substantiated=Substantiated.YES,
    )
    item("PAKN.5", "2024-02-07 08:00", state=State.HANDLING, out_of_scope=True)
    result = table(x, START, END)
    checked = 0
    for cell in result.cells:
        if cell.definition.family != "feedback":
            continue
        for part in evidence.PARTS:
            if part == "denominator" and cell.definition.value_kind == "count":
                continue
            found = evidence.evidence(cell.definition, [x], START, END, part)
            assert found.kind == "feedback"
            assert found.queryset.count() == getattr(cell.ratio, part), (cell.definition.code, part)
            checked += 1
    assert checked >= 8
    assert result.cell("K5").value == 1 and result.cell("5.2").ratio.denominator == 3


def test_procedure_and_listing_evidence_equal_the_table(scenario, version):
    from minhbach.procedures.models import ProcedureAssignment
    from minhbach.procedures.tests.factories import make_procedure

    _committee, x, _y = scenario
    other = make_procedure("2.000001", "Thủ tục thứ hai", days=5, fee_vnd=50000)
    for procedure in (version.procedure, other.procedure):
        ProcedureAssignment.objects.create(procedure=procedure, agency=x, valid_from=dt.date(2023, 1, 1))
    result = table(x, START, END)
    assert result.cell("3.1").ratio.denominator == 2 and result.cell("C2").ratio.denominator == 2
    for cell in result.cells:
        if cell.definition.family not in ("procedure", "listing") or cell.ratio is None:
            continue
        for part in evidence.PARTS:
            found = evidence.evidence(cell.definition, [x], START, END, part)
            assert found.kind == "assignment"
            assert found.queryset.count() == getattr(cell.ratio, part), (cell.definition.code, part)


def test_families_without_evidence_answer_none(scenario):
    _committee, x, _y = scenario
    cell = table(x, START, END).cell("K6")  # emulation family: no list of records here
    assert evidence.evidence(cell.definition, [x], START, END, "numerator") is None
    assert evidence.evidence(table(x, START, END).cell("K1").definition, [x], START, END, "other") is None


def _url(unit, code, part, **extra):
    query = {"tu": START.isoformat(), "den": END.isoformat(), **extra}
    return (
        reverse("indicators-public:evidence", args=[unit.slug, code, part])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def test_evidence_page_lists_codes_not_people(client, scenario, django_assert_max_num_queries):
    _committee, x, _y = scenario
    with django_assert_max_num_queries(12):
        response = client.get(_url(x, "2.1", "denominator"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Trễ hạn" in text and "Đang quá hạn" in text and "Đang trong hạn" in text
    for personal in ("Nguyễn Văn Thử", "0905000000", "Trần Thị Khác", "0905999999"):
        assert personal not in text
    assert response.context["page"].paginator.count == 8


def test_evidence_exports_stream_csv_and_open_as_xlsx(client, scenario):
    import io

    from openpyxl import load_workbook

    _committee, x, _y = scenario
    response = client.get(_url(x, "K1", "numerator", **{"dinh-dang": "csv"}))
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("Mã hồ sơ")
    assert "Nguyễn Văn Thử" not in body
    response = client.get(_url(x, "K1", "numerator", **{"dinh-dang": "xlsx"}))
    book = load_workbook(io.BytesIO(response.content))
    assert book.active.max_row == 3


def test_evidence_page_rejects_bad_input(client, scenario):
    _committee, x, _y = scenario
    response = client.get(
        reverse("indicators-public:evidence", args=[x.slug, "K1", "numerator"]) + "?tu=2024-13-01"
    )
    assert response.status_code == 400
    assert "Ngày bắt đầu kỳ không hợp lệ" in response.content.decode()
    assert client.get(_url(x, "ZZ", "numerator")).status_code == 404
    assert client.get(_url(x, "K1", "nope")).status_code == 404
    response = client.get(
        reverse("indicators-public:evidence", args=[x.slug, "K1", "numerator"])
        + "?tu=2024-03-01&den=2024-02-01"
    )
    assert response.status_code == 400 and "trước hoặc bằng" in response.content.decode()


@pytest.mark.parametrize(("start", "end"), [(dt.date(2024, 2, 1), dt.date(2024, 2, 29))])
def test_stored_facts_list_the_same_dossiers_as_a_recomputation(random_month, start, end):
    """The lists read ``DossierFact``; recomputing the facts from the dossiers gives the same rows."""
    committee, _units = random_month
    agencies = subtree_agencies([committee])
    checked = 0
    for measure, (numerator, denominator) in evidence.dossier_measure_conditions(start, end).items():
        for condition in (numerator, denominator):
            stored = set(
                evidence.dossiers_with_stored_facts(agencies, condition).values_list("pk", flat=True)
            )
            recomputed = set(evidence.dossiers_of(agencies).filter(condition).values_list("pk", flat=True))
            assert stored == recomputed, measure
            checked += bool(stored)
    assert checked >= 10


@pytest.mark.parametrize("code", ["SAT", "5.4", "K4"])
def test_rating_numerators_are_not_listed(client, scenario, code):
    """A list of the dossiers rated satisfied would show officers individual ratings (§7.4)."""
    _committee, x, _y = scenario
    definition = table(x, START, END).cell(code).definition
    assert evidence.withheld(definition, "numerator") and not evidence.withheld(definition, "denominator")
    assert evidence.evidence(definition, [x], START, END, "numerator") is None
    response = client.get(_url(x, code, "numerator"))
    assert response.status_code == 200 and "page" not in response.context
    assert "giữ kín" in response.content.decode()
    assert client.get(_url(x, code, "denominator")).context["page"].paginator.count > 0
    dashboard = client.get(
        reverse("indicators-public:dashboard") + f"?don_vi={x.slug}&ky=tuy-chon&tu={START}&den={END}"
    )
    html = dashboard.content.decode()
    assert reverse("indicators-public:evidence", args=[x.slug, code, "numerator"]) not in html
    assert reverse("indicators-public:evidence", args=[x.slug, code, "denominator"]) in html
