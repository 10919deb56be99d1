"""Monthly trends from one grouped rollup query equal ``table()`` for each month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minhbach.indicators import trends
from minhbach.indicators.charts import line_chart
from minhbach.indicators.compute import table
from minhbach.indicators.models import IndicatorDefinition


def test_months_are_clipped_to_the_range():
    assert trends.months(dt.date(2024, 1, 15), dt.date(2024, 3, 10)) == [
        (dt.date(2024, 1, 15), dt.date(2024, 1, 31)),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 10)),
    ]
    assert len(trends.months(dt.date(2023, 9, 1), dt.date(2024, 11, 30))) == 15


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.date(2024, 1, 1), dt.date(2024, 3, 31)), (dt.date(2024, 1, 15), dt.date(2024, 3, 10))],
)
def test_each_month_of_the_trend_equals_the_table_of_that_month(
    scenario,
    start,
    end,
    django_assert_max_num_queries,
):
    committee, x, _y = scenario
    definitions = list(IndicatorDefinition.objects.filter(family="dossier").select_related("group"))
    for unit in (x, committee):
        with django_assert_max_num_queries(2):  # the subtree, then one grouped rollup query
            series = trends.dossier_series(unit, start, end, definitions)
        assert len(series) == len(definitions)
        for s in series:
            assert len(s.points) == 3
            for point in s.points:
                cell = table(unit, point.start, point.end).cell(s.definition.code)
                assert point.ratio == cell.ratio or (point.value is None and cell.value is None), (
                    s.definition.code,
                    point.start,
                )
                assert point.value == cell.value and point.meets == cell.meets
    # February holds the scenario: 2.1 = 5/8 there, and January's carried dossiers are distinct.
    on_time = next(s for s in trends.dossier_series(x, start, end, definitions) if s.definition.code == "2.1")
    assert on_time.points[1].ratio.numerator == 5 and on_time.points[1].ratio.denominator == 8


def test_the_chart_is_svg_with_gaps_for_na(scenario):
    _committee, _x, y = scenario
    definitions = list(IndicatorDefinition.objects.filter(code="C4"))
    series = trends.dossier_series(y, dt.date(2024, 1, 1), dt.date(2024, 3, 31), definitions)[0]
    assert all(p.value is None for p in series.points)  # Phòng Y has no dossiers: N/A, not 0
    svg = line_chart(series.points, title="C4 <thử>", target=series.definition.target)
    assert svg.startswith("<svg") and "<polyline" not in svg and "&lt;thử&gt;" in svg


def test_trend_page_has_svg_and_table_alternative(client, scenario, django_assert_max_num_queries):
    committee, _x, _y = scenario
    url = reverse("indicators-public:trends") + f"?don_vi={committee.slug}&ky=quy&quy=1&nam=2024"
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<svg") >= 5 and "<details>" in text and "<script" not in text
    assert "02/2024" in text
