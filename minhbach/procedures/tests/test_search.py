"""search_procedures: diacritic- and case-insensitive matching, ranking in SQL, filters.

The birth-registration family below uses real names and codes of the national database: the
plain "Thủ tục đăng ký khai sinh" (1.001193) must come first for every way a citizen types it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from minhbach.procedures import selectors
from minhbach.procedures.models import (
    OnlineService,
    Procedure,
    ProcedureAssignment,
    ProcedureChannel,
    ProcedureField,
    ProcedureVersion,
)
from minhbach.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"
BIRTH_FAMILY = {
    "1.001193": "Thủ tục đăng ký khai sinh",
    "1.004884": "Thủ tục đăng ký lại khai sinh",
    "2.000528": "Thủ tục đăng ký khai sinh có yếu tố nước ngoài",
    "1.000689": "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
    "2.000986": (
        "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, "
        "cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"
    ),
    "1.000656": "Thủ tục đăng ký khai tử",
}
EXTRACT = "2.000635"  # "khai sinh" only in its keywords
BUILDING = "1.009994"  # another field, no word in common


def codes(queryset) -> list[str]:
    return [p.code for p in queryset]


@pytest.fixture
def catalogue():
    for code, name in BIRTH_FAMILY.items():
        make_procedure(code, name)
    make_procedure(EXTRACT, "Thủ tục cấp bản sao trích lục hộ tịch", keywords="khai sinh, kết hôn")
    make_procedure(
        BUILDING, "Thủ tục cấp giấy phép xây dựng mới", "Xây dựng", "1000/QĐ-BXD", levels=("district",)
    )


@pytest.mark.parametrize(
    "query",
    [
        "khai sinh",
        "KHAI SINH",
        "Khai Sinh",
        "  khai   sinh ",
        "đăng ký khai sinh",
        "dang ky khai sinh",
        "DANG KY KHAI SINH",
        "Đăng Ký Khai Sinh",
        "thủ tục đăng ký khai sinh",
        "thu tuc dang ky khai sinh",
        "khai sinh!",
        "1.001193",
    ],
)
def test_birth_registration_comes_first_however_typed(catalogue, query):
    assert codes(selectors.search_procedures(query))[0] == BIRTH


def test_ranking_of_khai_sinh(catalogue):
    # All five names contain the phrase (tier 2), shortest first; the keyword-only match
    # (all words, tier 3) and the one sharing only "khai" (tier 4) follow; building is absent.
    assert codes(selectors.search_procedures("khai sinh")) == [
        "1.001193",
        "1.004884",
        "2.000528",
        "1.000689",
        "2.000986",
        EXTRACT,
        "1.000656",
    ]


def test_ranking_tiers_of_dang_ky_khai_sinh(catalogue):
    ranked = selectors.search_procedures("dang ky khai sinh")
    assert [(p.code, p.search_rank) for p in ranked] == [
        ("1.001193", selectors.RANK_EXACT),
        ("2.000528", selectors.RANK_STARTS),
        ("1.000689", selectors.RANK_STARTS),
        ("2.000986", selectors.RANK_PHRASE),
        ("1.004884", selectors.RANK_ALL_WORDS),  # "đăng ký lại khai sinh": words, not the phrase
        ("1.000656", selectors.RANK_ANY_WORD),  # "đăng ký khai tử" (shorter) before the extract
        (EXTRACT, selectors.RANK_ANY_WORD),
    ]


def test_a_name_starting_with_the_phrase_beats_a_shorter_one_containing_it():
    make_procedure("1.000894", "Thủ tục đăng ký kết hôn")
    make_procedure("1.000002", "Kết hôn có yếu tố nước ngoài tại khu vực biên giới")
    assert codes(selectors.search_procedures("ket hon")) == ["1.000002", "1.000894"]


def test_exact_name_without_the_prefix_is_exact():
    make_procedure("1.000001", "Chứng thực chữ ký")
    make_procedure("1.000003", "Chứng thực chữ ký người dịch")
    ranked = list(selectors.search_procedures("chứng thực chữ ký"))
    assert [(p.code, p.search_rank) for p in ranked] == [
        ("1.000001", selectors.RANK_EXACT),
        ("1.000003", selectors.RANK_STARTS),
    ]


def test_ties_go_to_the_shorter_name_then_the_code():
    make_procedure("2.000002", "Thủ tục cấp bản sao A")
    make_procedure("2.000001", "Thủ tục cấp bản sao B")
    make_procedure("1.000009", "Thủ tục cấp bản sao dài hơn")
    assert codes(selectors.search_procedures("cap ban sao")) == ["2.000001", "2.000002", "1.000009"]


def test_words_match_at_word_starts_only(catalogue):
    assert codes(selectors.search_procedures("inh")) == []  # not inside "sinh"
    assert codes(selectors.search_procedures("khai si"))[0] == BIRTH  # typing in progress


def test_local_variant_code_is_found_exactly():
    make_procedure("1.012753", "Thủ tục đăng ký thường trú")
    make_procedure("1.012753.H19", "Thủ tục đăng ký thường trú (áp dụng tại tỉnh)")
    assert codes(selectors.search_procedures("1.012753.h19"))[0] == "1.012753.H19"


@pytest.mark.parametrize("query", ["", "   ", "!!!", "%", None])
def test_empty_query_lists_everything_alphabetically_without_the_prefix(catalogue, query):
    result = codes(selectors.search_procedures(query))
    assert len(result) == len(BIRTH_FAMILY) + 2
    # "cấp bản sao…" < "cấp giấy phép…" < "đăng ký khai sinh" < … < "liên thông…"
    assert result[:3] == [EXTRACT, BUILDING, BIRTH]
    assert result[-1] == "2.000986"


@pytest.mark.parametrize(
    "query", ["_", "a_b", "100%", "khai\x00sinh", "1.001193\x00", "khai' OR 1=1 --", "x" * 5000, "ă" * 300]
)
def test_odd_queries_do_not_break(catalogue, query):
    assert isinstance(codes(selectors.search_procedures(query)), list)


def test_filter_by_field_and_level(catalogue):
    building = ProcedureField.objects.get(name="Xây dựng")
    assert codes(selectors.search_procedures("", field=building.slug)) == [BUILDING]
    assert codes(selectors.search_procedures("cap", field="ho-tich")) == [EXTRACT, "2.000986"]
    assert codes(selectors.search_procedures("", level="district")) == [BUILDING]
    assert len(codes(selectors.search_procedures("", level="commune"))) == len(BIRTH_FAMILY) + 1
    assert codes(selectors.search_procedures("", field="khong-co")) == []


def test_filter_by_handling_agency_valid_today(catalogue, district):
    today = dt.date.today()
    procedure = Procedure.objects.get(code=BIRTH)
    ProcedureAssignment.objects.create(
        procedure=procedure, agency=district.desk_a, valid_from=dt.date(2020, 1, 1)
    )
    ended = Procedure.objects.get(code="1.004884")
    ProcedureAssignment.objects.create(
        procedure=ended,
        agency=district.desk_a,
        valid_from=dt.date(2020, 1, 1),
        valid_to=today - dt.timedelta(1),
    )
    future = Procedure.objects.get(code="2.000528")
    ProcedureAssignment.objects.create(
        procedure=future, agency=district.desk_a, valid_from=today + dt.timedelta(1)
    )
    ProcedureAssignment.objects.create(
        procedure=ended, agency=district.desk_b, valid_from=dt.date(2020, 1, 1)
    )
    assert codes(selectors.search_procedures("khai sinh", agency=district.desk_a.slug)) == [BIRTH]
    assert codes(selectors.search_procedures("", agency=district.desk_b.slug)) == ["1.004884"]
    assert codes(selectors.search_procedures("", agency=district.commune_a.slug)) == []


def test_filter_online(district):
    make_procedure("1.000001", "Thủ tục A trực tuyến toàn trình")
    make_procedure("1.000002", "Thủ tục B có dịch vụ ở xã", full_online_eligible=False)
    make_procedure("1.000003", "Thủ tục C chưa trực tuyến", full_online_eligible=False)
    make_procedure("1.000004", "Thủ tục D dịch vụ đã dừng", full_online_eligible=False)
    OnlineService.objects.create(
        procedure=Procedure.objects.get(code="1.000002"),
        agency=district.commune_a,
        mode="partial",
        valid_from=dt.date(2022, 1, 1),
    )
    OnlineService.objects.create(
        procedure=Procedure.objects.get(code="1.000004"),
        agency=district.commune_a,
        mode="partial",
        valid_from=dt.date(2022, 1, 1),
        valid_to=dt.date(2023, 1, 1),
    )
    assert codes(selectors.search_procedures("", online=True)) == ["1.000001", "1.000002"]
    assert codes(selectors.search_procedures("", online=False)) == ["1.000003", "1.000004"]
    assert {p.code: p.online_available for p in selectors.search_procedures("")} == {
        "1.000001": True,
        "1.000002": True,
        "1.000003": False,
        "1.000004": False,
    }


def test_only_procedures_in_force(catalogue):
    ProcedureVersion.objects.filter(procedure__code="1.004884").update(
        status=ProcedureVersion.Status.ABOLISHED
    )
    Procedure.objects.filter(code="2.000528").update(current_version=None)
    result = codes(selectors.search_procedures("khai sinh"))
    assert "1.004884" not in result and "2.000528" not in result and result[0] == BIRTH


def test_a_new_version_is_searched_by_its_new_name():
    make_procedure(BIRTH, "Thủ tục đăng ký khai sinh", decision="1872/QĐ-BTP")
    make_procedure(
        BIRTH, "Thủ tục đăng ký khai sinh lưu động", decision="163/QĐ-BTP", valid_from=dt.date(2025, 7, 1)
    )
    assert codes(selectors.search_procedures("luu dong")) == [BIRTH]


def test_search_takes_a_fixed_number_of_queries(django_assert_num_queries):
    for n in range(60):
        make_procedure(f"9.{n:06d}", f"Thủ tục thử nghiệm số {n} về khai sinh", fee_vnd=n * 1000)
    with django_assert_num_queries(3):  # rows, channels, fees
        rows = list(selectors.search_procedures("khai sinh")[:50])
        labels = [selectors.fee_label(selectors.primary_channel(p)) for p in rows]
    assert len(rows) == 50 and labels[0] == "Miễn phí"


@pytest.mark.parametrize(
    ("value", "unit", "text", "expected"),
    [
        (3, "working_day", "", "3 ngày làm việc"),
        (1.5, "working_day", "", "1,5 ngày làm việc"),
        (4, "working_hour", "", "4 giờ làm việc"),
        (None, "same_day", "Trong ngày", "Trong ngày"),
        (None, "unspecified", "Không quy định", "Không quy định"),
        (None, "unspecified", "", "Không quy định"),
    ],
)
def test_time_limit_label(value, unit, text, expected):
    channel = ProcedureChannel(
        channel=1,
        time_limit_value=Decimal(str(value)) if value is not None else None,
        time_limit_unit=unit,
        time_limit_text=text,
    )
    assert selectors.time_limit_label(channel) == expected


@pytest.mark.parametrize(
    ("fee_vnd", "expected"),
    [(0, "Miễn phí"), (50000, "50.000 đồng"), (1500000, "1.500.000 đồng"), (None, "Không có thông tin")],
)
def test_fee_label(fee_vnd, expected):
    make_procedure(fee_vnd=fee_vnd)
    procedure = selectors.search_procedures("").get()
    assert selectors.fee_label(selectors.primary_channel(procedure)) == expected
