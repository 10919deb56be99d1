"""Smoke run of ``bench/bench_indicators.py`` at N = 200: the generator and the DuckDB reference.

The benchmark's figures are only worth printing if its generator writes what it says, the same
seed writes the same rows, and the DuckDB statement counts what ``families.raw_counters`` counts;
these checks keep that true as the counting rules change. The generator is PostgreSQL only
(``generate_series`` with a seeded ``random()``), so the module is skipped on SQLite.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from minhbach.dossiers.models import Dossier, DossierFee, DossierResult, Status
from minhbach.indicators import rollups
from minhbach.indicators.families import raw_counters, rollup_counters

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="The bulk generator writes with PostgreSQL's generate_series.",
    ),
    pytest.mark.django_db,
]

BENCH = Path(__file__).resolve().parents[3] / "bench" / "bench_indicators.py"
START, END = dt.date(2023, 9, 1), dt.date(2024, 11, 30)


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_indicators", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def world(bench):
    committee, children, versions = bench.build_world(5)
    return [committee, *children], versions


def _fingerprint() -> list[tuple]:
    return list(
        Dossier.objects.order_by("pk").values_list(
            "pk", "status", "channel", "receiving_agency_id", "handling_agency_id", "accepted_at",
            "effective_due_at", "finished_at", "returned_at", "ended_at", "supplements_after",
        )
    )  # fmt: skip


def test_generator_writes_the_requested_dossiers_in_the_campaign(bench, world):
    units, versions = world
    assert bench.generate(200, agencies=units, versions=versions, seed=7) == 200
    assert Dossier.objects.count() == 200
    accepted = Dossier.objects.filter(accepted_at__isnull=False)
    first, last = (
        accepted.order_by(f).values_list("accepted_at", flat=True)[0] for f in ("accepted_at", "-accepted_at")
    )
    assert first.date() >= dt.date(2023, 8, 31) and last.date() <= END  # UTC of a local day from 01/9/2023
    assert set(Dossier.objects.values_list("receiving_agency_id", flat=True)) <= {u.pk for u in units}
    # Every dossier that ended with a result has its result row; fee rows only on fee-bearing procedures.
    ended = Dossier.objects.filter(status__in=(Status.FINISHED, Status.RETURNED)).count()
    assert ended and DossierResult.objects.count() == ended
    assert not DossierFee.objects.filter(dossier__procedure_version=versions[0]).exists()
    # A second batch appends with new ids.
    assert bench.generate(50, agencies=units, versions=versions, seed=7, batch=1) == 50
    assert Dossier.objects.count() == 250


def test_the_same_seed_writes_the_same_rows(bench, world):
    units, versions = world
    prints = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            bench.generate(200, agencies=units, versions=versions, seed=seed)
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_rollups_and_duckdb_count_what_the_raw_path_counts(bench, world, tmp_path):
    units, versions = world
    bench.generate(200, agencies=units, versions=versions, seed=7)
    rollups.rebuild()
    ids = [u.pk for u in units]
    raw = raw_counters(ids, START, END)
    assert sum(c["received"] for c in raw.values()) > 150
    assert rollup_counters(ids, START, END) == raw
    duck = bench.duck_counters(bench.export_parquet(tmp_path), ids, START, END)()
    assert duck == raw
