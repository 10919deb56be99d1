"""Benchmark: the campaign table from daily rollups, from raw dossiers, and in DuckDB (issue #6 item 8).

Why it matters: the campaign and 766 tables are read on every dashboard view, for every unit of a
district, over a fifteen-month campaign. ADR 0007 claims that reading ``UnitDayRollup`` costs
O(units × days) whatever the number of dossiers, while the raw path reads every dossier; DuckDB
over an export of the same rows is the near-limit reference for a single-pass aggregation.

Run (PostgreSQL only; the machine's other work shares the CPUs, so the ratios measured in one run
matter more than the absolute times)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ind \\
        .venv/bin/python bench/bench_indicators.py --fresh --dossiers 1000000 --units 50 --seed 7

``--fresh`` creates the database named in ``DATABASE_URL`` (it must not exist) and migrates it;
without it the database must already be migrated and hold no dossier. ``--drop`` removes the
database at the end. The generator writes with ``INSERT … SELECT generate_series`` and a seeded
``random()`` (one backend, no parallel plan), so the same seed gives the same rows.
"""

# ruff: noqa: S608 -- every SQL string here is built from module constants and integers, never input.
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

START, END = dt.date(2023, 9, 1), dt.date(2024, 11, 30)
# The snapshot moment: dossiers planned to end later are still open at the end of the campaign.
SNAPSHOT = "2024-12-01 00:00"
# (code, name, field, working days, fee in đồng, share of dossiers, paper result)
PROCEDURES: tuple[tuple[str, str, str, int, int, float, bool], ...] = (
    ("9.000001", "Đăng ký khai sinh (thử tải)", "Hộ tịch", 3, 0, 0.40, True),
    ("9.000002", "Chứng thực bản sao từ bản chính (thử tải)", "Chứng thực", 1, 10_000, 0.30, True),
    ("9.000003", "Đăng ký hộ kinh doanh (thử tải)", "Hộ kinh doanh", 3, 100_000, 0.15, True),
    ("9.000004", "Đăng ký biến động đất đai (thử tải)", "Đất đai", 10, 50_000, 0.15, True),
)  # fmt: skip


# --- Database set-up -----------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("MINHBACH_ENV_FILE", os.devnull)
    import django

    django.setup()


def create_database(url: str) -> None:
    """CREATE DATABASE for ``--fresh``; refuses an existing database (it may hold real data)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(f"database {name} already exists: drop it or run without --fresh")
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database() -> None:
    import psycopg
    from django.db import connection
    from psycopg import sql

    settings = connection.settings_dict
    connection.close()
    with psycopg.connect(
        dbname="postgres",
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(settings["NAME"])))


def require_empty() -> None:
    from minhbach.dossiers.models import Dossier

    if Dossier.objects.exists():
        raise SystemExit("the database already holds dossiers: use --fresh with a new database name")


# --- The world: agencies, procedures ----------------------------------------------------------


def build_world(n_units: int) -> tuple[Any, list[Any], list[Any]]:
    """A district committee with ``n_units - 1`` children, and the procedures of ``PROCEDURES``."""
    from minhbach.procedures import services as procedure_services
    from minhbach.procedures.tests.factories import procedure_data
    from minhbach.units import services as unit_services
    from minhbach.units.models import AdministrativeUnit, Agency

    district = AdministrativeUnit.objects.create(
        code="999", name="Huyện Thử Tải", level="district", type="district", valid_from=dt.date(2008, 1, 1)
    )

    def agency(n: int, name: str, kind: str, parent: Any) -> Any:
        return unit_services.agency_create(
            actor=None, electronic_code=f"000.{n:02d}.99.H99", slug=f"bench-{n}", name=name, kind=kind,
            administrative_unit=district, valid_from=dt.date(2008, 1, 1), parent=parent,
        )  # fmt: skip

    committee = agency(0, "UBND huyện Thử Tải", Agency.Kind.PEOPLE_COMMITTEE, None)
    children = [
        agency(i, f"UBND xã Thử Tải {i}", Agency.Kind.PEOPLE_COMMITTEE, committee) for i in range(1, n_units)
    ]
    versions = []
    for code, name, field, days, fee, _share, paper in PROCEDURES:
        data = procedure_data(
            code=code, name=name, field=field, days=days, fee_vnd=fee, decision="999/QĐ-THU"
        )
        version, _outcome = procedure_services.procedure_upsert(actor=None, data=data)
        if version.has_paper_result != paper:
            version.has_paper_result = paper
            version.save(update_fields=["has_paper_result"])
        versions.append(version)
    return committee, children, versions


# --- The generator (PostgreSQL) -----------------------------------------------------------------

_PLAN = """
CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
WITH draws AS (
    SELECT g, random() AS ra, random() AS rh, random() AS rp, random() AS rc, random() AS rd,
           random() AS rt, random() AS rs, random() AS rl, random() AS rq, random() AS rr,
           random() AS rb, random() AS rsb, random() AS rsa, random() AS rf, random() AS re,
           random() AS rdoc, random() AS rdoc2, random() AS rreuse, random() AS rg,
           random() AS rsat, random() AS rown, random() AS rpause
    FROM generate_series(1, %(n)s) AS g
), picked AS (
    SELECT *,
        -- Units differ in size: the first ones (the district desk, the towns) receive more.
        least(floor(%(units)s * power(ra, 1.6))::int, %(units)s - 1) + 1 AS ai,
        CASE WHEN rp < %(w1)s THEN 1 WHEN rp < %(w2)s THEN 2 WHEN rp < %(w3)s THEN 3 ELSE 4 END AS vi,
        CASE WHEN rc < 0.35 THEN 2 ELSE 1 END AS channel,
        DATE '2023-09-01' + floor(rd * (DATE '2024-11-30' - DATE '2023-09-01' + 1))::int AS raw_day
    FROM draws
), dated AS (
    SELECT *,
        -- Saturdays move to Friday, Sundays to Monday: desks receive on working days.
        raw_day + CASE extract(isodow FROM raw_day)::int WHEN 6 THEN -1 WHEN 7 THEN 1 ELSE 0 END
            + time '07:30' + rt * interval '9 hours' AS accept_local,
        (%(days)s::int[])[vi] AS days,
        (%(fees)s::bigint[])[vi] AS fee
    FROM picked
), timed AS (
    SELECT *,
        (accept_local::date + ceil(days * 7 / 5.0)::int + time '17:00') AS due_local,
        CASE WHEN rs < 0.010 THEN 'refused' WHEN rs < 0.025 THEN 'withdrawn' WHEN rs < 0.030 THEN 'stopped'
             WHEN rs < 0.040 THEN 'waiting' ELSE 'handled' END AS outcome
    FROM dated
), planned AS (
    SELECT *,
        CASE WHEN outcome = 'handled' AND rl < 0.09
                 THEN due_local + (1 + floor(rq * 20)::int) * interval '1 day'
             WHEN outcome = 'handled' THEN accept_local + rq * (due_local - accept_local)
             WHEN outcome IN ('withdrawn', 'stopped') THEN accept_local + rl * (due_local - accept_local)
             WHEN outcome = 'refused' THEN accept_local + interval '2 hours'
        END AS end_local,
        CASE WHEN outcome = 'waiting' THEN accept_local + rpause * 1.2 * (due_local - accept_local)
        END AS paused_local
    FROM timed
)
SELECT g, %(id_base)s + g AS id,
    %(owner_base)s + 1 + least(floor(rown * %(owners)s)::int, %(owners)s - 1) AS owner_id,
    (%(agencies)s::bigint[])[ai] AS agency_id, rh < 0.15 AS desk_only,
    (%(versions)s::bigint[])[vi] AS version_id, vi, days, fee, channel,
    outcome, accept_local, due_local, paused_local,
    CASE WHEN outcome = 'handled' AND end_local >= TIMESTAMP %(snapshot)s THEN 'open'
         WHEN outcome = 'handled' AND rr < 0.7
              AND end_local + rb * interval '3 days' < TIMESTAMP %(snapshot)s THEN 'returned'
         WHEN outcome = 'handled' THEN 'finished'
         ELSE outcome END AS state,
    end_local, end_local + rb * interval '3 days' AS return_local,
    CASE WHEN rsb < 0.80 THEN 0 WHEN rsb < 0.95 THEN 1 ELSE 2 END AS supplements_before,
    CASE WHEN outcome = 'waiting' THEN 1 + (rsa < 0.2)::int
         WHEN rsa < 0.93 THEN 0 WHEN rsa < 0.98 THEN 1 ELSE 2 END AS supplements_after,
    CASE WHEN fee > 0 AND channel = 2 AND rf < 0.3 THEN 1
         WHEN fee > 0 AND channel = 2 AND rf < 0.6 THEN 2
         WHEN fee > 0 AND channel = 1 AND rf < 0.05 THEN 2 ELSE 0 END AS paid_channel,
    re < CASE WHEN channel = 2 THEN 0.85 ELSE 0.45 END AS eresult,
    rdoc < 0.75 AS doc1_digitised, rdoc2 < 0.6 AS doc2_digitised, rreuse < 0.2 AS reused,
    rg < 0.35 AS rated, rsat < 0.9 AS satisfied
FROM planned
"""

_TZ = "'Asia/Ho_Chi_Minh'"
GENERATED_TABLES = (
    "dossiers_dossier", "dossiers_applicant", "dossiers_dossierfee", "dossiers_dossierresult",
    "dossiers_dossierdocument", "ratings_rating",
)  # fmt: skip
_DOSSIERS = f"""
INSERT INTO dossiers_dossier (
    id, code, source, procedure_version_id, channel, receiving_agency_id, handling_agency_id, owner_id,
    subject, status, stage, lock_version, time_limit_value, time_limit_unit, submitted_at, accepted_at,
    day_zero, original_due_at, printed_due_at, effective_due_at, paused_at, finished_at, returned_at,
    ended_at, clock_started_at, clock_day_zero, remaining_value, deadline_trace, supplements_before,
    supplements_after, punctuality, non_standard_transition, one_go_exemption, created_at)
SELECT id, 'THU-' || id, 'imported', version_id, channel, agency_id,
    CASE WHEN desk_only THEN NULL ELSE agency_id END, owner_id,
    '', CASE state WHEN 'refused' THEN 3 WHEN 'withdrawn' THEN 7 WHEN 'stopped' THEN 8 WHEN 'waiting' THEN 5
                   WHEN 'open' THEN 4 WHEN 'finished' THEN 9 ELSE 10 END,
    CASE WHEN state = 'waiting' THEN 'after_acceptance' ELSE '' END, 0,
    days, 'working_day', (accept_local - interval '20 minutes') AT TIME ZONE {_TZ}, accepted_at,
    CASE WHEN accepted_at IS NOT NULL THEN accept_local::date END, due_at, due_at, due_at,
    paused_local AT TIME ZONE {_TZ},
    CASE WHEN state IN ('finished', 'returned') THEN end_local AT TIME ZONE {_TZ} END,
    CASE WHEN state = 'returned' THEN return_local AT TIME ZONE {_TZ} END,
    CASE WHEN state NOT IN ('open', 'waiting') THEN end_local AT TIME ZONE {_TZ} END,
    accepted_at, CASE WHEN accepted_at IS NOT NULL THEN accept_local::date END,
    CASE WHEN accepted_at IS NOT NULL THEN days END, '{{}}', supplements_before, supplements_after,
    CASE WHEN state IN ('finished', 'returned') AND end_local <= due_local THEN 'on_time'
         WHEN state IN ('finished', 'returned') THEN 'late' ELSE '' END,
    false, '', accept_local AT TIME ZONE {_TZ}
FROM (
    SELECT *, CASE WHEN state <> 'refused' THEN accept_local AT TIME ZONE {_TZ} END AS accepted_at,
        CASE WHEN state <> 'refused' THEN due_local AT TIME ZONE {_TZ} END AS due_at
    FROM bench_plan
) AS p
ORDER BY g
"""
_APPLICANTS = """
INSERT INTO dossiers_applicant (
    id, kind, full_name, name_key, citizen_id, tax_code, address, phone, email, vneid_verified)
SELECT %(owner_base)s + k,
    CASE WHEN k %% 10 = 0 THEN 'organisation' ELSE 'citizen' END,
    CASE WHEN k %% 10 = 0 THEN 'Hộ kinh doanh Thử ' || k ELSE 'Nguyễn Văn Thử ' || k END,
    -- Applicant.name_key (dossiers.models.fold_name): only the ASCII capitals need folding here.
    CASE WHEN k %% 10 = 0 THEN 'hộ kinh doanh thử ' || k ELSE 'nguyễn văn thử ' || k END,
    CASE WHEN k %% 10 = 0 THEN '' ELSE lpad((%(owner_base)s + k)::text, 12, '0') END,
    CASE WHEN k %% 10 = 0 THEN lpad((%(owner_base)s + k)::text, 10, '0') ELSE '' END,
    '', '09' || lpad(((%(owner_base)s + k) %% 100000000)::text, 8, '0'), '', k %% 3 = 0
FROM generate_series(1, %(owners)s) AS k
"""
_RELATED = (
    f"""INSERT INTO dossiers_dossierfee (dossier_id, name, amount_vnd, paid_at, online_channel)
    SELECT id, 'Lệ phí', fee,
        CASE WHEN paid_channel > 0 THEN accept_local AT TIME ZONE {_TZ} END, paid_channel
    FROM bench_plan WHERE fee > 0 AND state <> 'refused' ORDER BY g""",
    """INSERT INTO dossiers_dossierresult (dossier_id, name, code, file_url)
    SELECT id, 'Kết quả giải quyết', 'KQ-' || id,
        CASE WHEN eresult THEN 'https://dichvucong.example/kq/' || id || '.pdf' ELSE '' END
    FROM bench_plan WHERE state IN ('finished', 'returned') ORDER BY g""",
    """INSERT INTO dossiers_dossierdocument (dossier_id, name, originals, copies, digitised, reused, file)
    SELECT id, 'Tờ khai', 1, 0, doc1_digitised, reused, '' FROM bench_plan WHERE state <> 'refused'
    UNION ALL
    SELECT id, 'Giấy tờ chứng minh', 0, 1, doc2_digitised, false, '' FROM bench_plan
    WHERE state <> 'refused' AND vi IN (3, 4)""",
    f"""INSERT INTO ratings_rating (
        dossier_id, level, satisfied, criteria, comment, channel, created_at, superseded)
    SELECT id, CASE WHEN satisfied THEN 'satisfied' ELSE 'not_satisfied' END, satisfied, '{{}}', '',
        CASE WHEN channel = 2 THEN 'portal' ELSE 'kiosk' END,
        (return_local + interval '1 hour') AT TIME ZONE {_TZ}, false
    FROM bench_plan WHERE state = 'returned' AND rated ORDER BY g""",
)


def _seed_fraction(seed: int, batch: int) -> float:
    """``setseed`` takes a number in [-1, 1]; one per (seed, batch) so that batches differ."""
    return ((seed * 1_000_003 + batch * 7_919) % 1_999_993) / 1_999_993 * 2 - 1


def generate(n: int, *, agencies: Sequence[Any], versions: Sequence[Any], seed: int, batch: int = 0) -> int:
    """Append ``n`` dossiers (with applicants, fees, results, documents, ratings); PostgreSQL only.

    Shares: 1 % refused at the desk (never accepted), 1.5 % withdrawn, 0.5 % stopped, 1 % waiting
    for a supplement, 9 % of the others finished late; 35 % online; 70 % of the finished returned,
    35 % of those rated (90 % satisfied); fees on three procedures out of four, 60 % of the online
    fee-bearing dossiers paid online. Returns the number of dossiers written.
    """
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise NotImplementedError("the bulk generator writes with PostgreSQL's generate_series")
    cumulative, total = [], 0.0
    for *_rest, share, _paper in PROCEDURES:
        total += share
        cumulative.append(total)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossier")
        id_base = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_applicant")
        owner_base = cursor.fetchone()[0]
        params = {
            "n": n, "units": len(agencies), "agencies": [a.pk for a in agencies],
            "versions": [v.pk for v in versions], "days": [p[3] for p in PROCEDURES],
            "fees": [p[4] for p in PROCEDURES], "w1": cumulative[0], "w2": cumulative[1],
            "w3": cumulative[2], "id_base": id_base, "owner_base": owner_base,
            "owners": max(n // 4, 10), "snapshot": SNAPSHOT,
        }  # fmt: skip
        # One backend, rows in generate_series order: the same seed draws the same numbers.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("DROP TABLE IF EXISTS bench_plan")  # a second batch in one transaction (tests)
        cursor.execute("SELECT setseed(%s)", [_seed_fraction(seed, batch)])
        cursor.execute(_PLAN, params)
        cursor.execute(_APPLICANTS, params)
        cursor.execute(_DOSSIERS)
        written = cursor.rowcount
        for statement in _RELATED:
            cursor.execute(statement)
        for table in ("dossiers_dossier", "dossiers_applicant"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        for table in GENERATED_TABLES:
            cursor.execute(f"ANALYZE {table}")
    return written


# --- Timing ------------------------------------------------------------------------------------


def best_of(function: Callable[[], Any], repeat: int, warmup: int = 1) -> tuple[float, Any]:
    """The best wall time of ``repeat`` runs after ``warmup`` unmeasured ones, and the last result."""
    result = None
    for _ in range(warmup):
        result = function()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - t0)
    return best, result


def once(function: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = function()
    return time.perf_counter() - t0, result


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC, load {load()}] {text}", flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


# --- DuckDB: the same aggregation over an export of the raw rows --------------------------------

# Exported with local (Asia/Ho_Chi_Minh) wall-clock timestamps: the local day is then a CAST.
_LOCAL = ("accepted_at", "effective_due_at", "paused_at", "finished_at", "returned_at", "ended_at")
EXPORTS: dict[str, tuple[str, dict[str, str]]] = {
    "dossier": (
        "SELECT id, procedure_version_id, channel, receiving_agency_id, handling_agency_id, owner_id, "
        "status, supplements_before, supplements_after, one_go_exemption, "
        + ", ".join(f"{c} AT TIME ZONE {_TZ} AS {c}" for c in _LOCAL)
        + " FROM dossiers_dossier",
        {"id": "BIGINT", "procedure_version_id": "BIGINT", "channel": "SMALLINT",
         "receiving_agency_id": "BIGINT",
         "handling_agency_id": "BIGINT", "owner_id": "BIGINT", "status": "SMALLINT",
         "supplements_before": "SMALLINT", "supplements_after": "SMALLINT", "one_go_exemption": "VARCHAR",
         **{c: "TIMESTAMP" for c in _LOCAL}},
    ),
    "applicant": (
        "SELECT id, citizen_id, tax_code, name_key, phone FROM dossiers_applicant",
        {"id": "BIGINT", "citizen_id": "VARCHAR", "tax_code": "VARCHAR", "name_key": "VARCHAR",
         "phone": "VARCHAR"},
    ),
    "version": (
        "SELECT id, procedure_id, has_paper_result FROM procedures_procedureversion",
        {"id": "BIGINT", "procedure_id": "BIGINT", "has_paper_result": "BOOLEAN"},
    ),
    "fee": (
        "SELECT dossier_id, amount_vnd, online_channel FROM dossiers_dossierfee",
        {"dossier_id": "BIGINT", "amount_vnd": "BIGINT", "online_channel": "SMALLINT"},
    ),
    "result": (
        "SELECT dossier_id, file_url FROM dossiers_dossierresult",
        {"dossier_id": "BIGINT", "file_url": "VARCHAR"},
    ),
    "document": (
        "SELECT dossier_id, digitised, reused FROM dossiers_dossierdocument",
        {"dossier_id": "BIGINT", "digitised": "BOOLEAN", "reused": "BOOLEAN"},
    ),
    "rating": (
        "SELECT dossier_id, satisfied, superseded FROM ratings_rating",
        {"dossier_id": "BIGINT", "satisfied": "BOOLEAN", "superseded": "BOOLEAN"},
    ),
    "feedback": (
        "SELECT dossier_id FROM feedback_feedback WHERE dossier_id IS NOT NULL",
        {"dossier_id": "BIGINT"},
    ),
}  # fmt: skip


def export_parquet(directory: Path) -> dict[str, Path]:
    """PostgreSQL ``COPY … TO STDOUT`` (CSV) → DuckDB → one Parquet file per table."""
    import duckdb
    from django.db import connection

    paths = {}
    with duckdb.connect() as duck, connection.cursor() as cursor:
        for name, (query, columns) in EXPORTS.items():
            csv_path, parquet = directory / f"{name}.csv", directory / f"{name}.parquet"
            with (
                open(csv_path, "wb") as out,
                cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv, HEADER)") as copy,
            ):
                for block in copy:
                    out.write(block)
            duck.execute(
                f"COPY (SELECT * FROM read_csv('{csv_path}', header = true, columns = {columns!r}))"
                f" TO '{parquet}' (FORMAT parquet)"
            )
            csv_path.unlink()
            paths[name] = parquet
    return paths


# ``facts.bulk_fact_sql`` and ``families.raw_counters`` in DuckDB SQL, condition by condition.
DUCK_SQL = """
WITH d AS (SELECT * FROM read_parquet('{dossier}')),
a AS (SELECT * FROM read_parquet('{applicant}')),
fee AS (SELECT dossier_id, bool_or(amount_vnd > 0) AS fee, bool_or(online_channel IN (1, 2)) AS paid_online
        FROM read_parquet('{fee}') GROUP BY dossier_id),
res AS (SELECT dossier_id, bool_or(coalesce(file_url, '') <> '') AS eresult
        FROM read_parquet('{result}') GROUP BY dossier_id),
doc AS (SELECT dossier_id, true AS has_docs, bool_or(NOT digitised) AS undigitised, bool_or(reused) AS reused
        FROM read_parquet('{document}') GROUP BY dossier_id),
rat AS (SELECT dossier_id, true AS rated, bool_or(satisfied) AS satisfied, bool_or(NOT satisfied) AS disliked
        FROM read_parquet('{rating}') WHERE NOT superseded GROUP BY dossier_id),
fb AS (SELECT DISTINCT dossier_id, true AS with_feedback FROM read_parquet('{feedback}')),
dv AS (
    SELECT d.*, v.procedure_id, v.has_paper_result, a.citizen_id, a.tax_code, a.name_key, a.phone
    FROM d JOIN read_parquet('{version}') v ON v.id = d.procedure_version_id JOIN a ON a.id = d.owner_id
),
failures AS (SELECT * FROM dv WHERE status IN (3, 7, 8)),
-- §5.7 rule 3: a refusal or withdrawal of the same person, procedure and desk in the window.
earlier AS (
    SELECT DISTINCT o.id
    FROM dv o JOIN failures u
      ON u.procedure_id = o.procedure_id AND u.receiving_agency_id = o.receiving_agency_id
     AND u.ended_at >= o.accepted_at - INTERVAL {window} DAY AND u.ended_at < o.accepted_at AND u.id <> o.id
    WHERE o.accepted_at IS NOT NULL AND (
        (u.citizen_id = o.citizen_id AND u.citizen_id <> '')
        OR (u.tax_code = o.tax_code AND u.tax_code <> '')
        OR (u.name_key = o.name_key AND u.phone = o.phone AND u.phone <> ''))
),
f0 AS (
    SELECT dv.id, coalesce(dv.handling_agency_id, dv.receiving_agency_id) AS agency, dv.status, dv.channel,
        CAST(dv.accepted_at AS DATE) AS accept_day,
        CAST(coalesce(dv.finished_at, dv.returned_at, dv.ended_at) AS DATE) AS end_day,
        CASE WHEN dv.status = 10 THEN CAST(dv.returned_at AS DATE) END AS return_day,
        CAST(dv.effective_due_at - INTERVAL 1 MICROSECOND AS DATE) AS due_day,
        CAST(dv.paused_at AS DATE) AS paused_day, dv.paused_at, dv.effective_due_at,
        dv.effective_due_at IS NOT NULL AND dv.status <> 7 AS counted,
        dv.status = 7 AS withdrawn,
        dv.supplements_after >= {late_after} AS rule3,
        NOT (dv.supplements_before > {max_pre} OR dv.supplements_after > {max_post}
             OR (e.id IS NOT NULL AND dv.one_go_exemption = '')) AS raw_one_go,
        dv.status IN (9, 10) AS with_result, dv.has_paper_result AS paper_result,
        coalesce(res.eresult, false) AS eresult, coalesce(fee.fee, false) AS fee,
        coalesce(fee.paid_online, false) AS paid_online, coalesce(doc.has_docs, false) AS has_docs,
        coalesce(doc.undigitised, false) AS undigitised, coalesce(doc.reused, false) AS reused,
        coalesce(rat.rated, false) AS rated, coalesce(rat.satisfied, false) AS satisfied,
        coalesce(rat.disliked, false) OR coalesce(fb.with_feedback, false) AS flagged
    FROM dv LEFT JOIN earlier e ON e.id = dv.id LEFT JOIN res ON res.dossier_id = dv.id
    LEFT JOIN fee ON fee.dossier_id = dv.id LEFT JOIN doc ON doc.dossier_id = dv.id
    LEFT JOIN rat ON rat.dossier_id = dv.id LEFT JOIN fb ON fb.dossier_id = dv.id
    WHERE dv.accepted_at IS NOT NULL
      AND coalesce(dv.handling_agency_id, dv.receiving_agency_id) IN ({agencies})
),
f AS (
    SELECT *,
        raw_one_go AND NOT withdrawn AS one_go,
        coalesce(NOT rule3 AND end_day IS NOT NULL AND end_day <= due_day, false) AS ended_ok,
        CASE WHEN rule3 THEN accept_day
             WHEN status = 5 AND paused_at IS NOT NULL AND paused_day <= due_day THEN NULL
             ELSE CAST(effective_due_at + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS DATE)
        END AS overdue_from,
        channel = 2 AND (NOT paper_result OR eresult) AS online,
        has_docs AND NOT undigitised AND eresult AS digitised
    FROM f0
),
c AS (
    SELECT *,
        accept_day BETWEEN DATE '{start}' AND DATE '{end}' AS accepted_in,
        counted AND end_day BETWEEN DATE '{start}' AND DATE '{end}' AS ended_in,
        with_result AND paper_result AND end_day BETWEEN DATE '{start}' AND DATE '{end}' AS result_in,
        coalesce(return_day BETWEEN DATE '{start}' AND DATE '{end}', false) AND rated AS returned_in,
        counted AND accept_day <= DATE '{end}' AND (end_day IS NULL OR end_day > DATE '{end}') AS open_at_end
    FROM f
)
SELECT agency,
    count_if(accepted_in) AS received,
    count_if(accepted_in AND online) AS received_online,
    count_if(accepted_in AND NOT withdrawn) AS accepted,
    count_if(accepted_in AND one_go) AS one_go,
    count_if(accepted_in AND fee) AS fee_dossiers,
    count_if(accepted_in AND fee AND paid_online) AS paid_online,
    count_if(accepted_in AND digitised) AS digitised,
    count_if(accepted_in AND reused) AS reused,
    count_if(ended_in AND ended_ok) AS ended_ok,
    count_if(ended_in AND NOT ended_ok) AS ended_late,
    count_if(ended_in AND ended_ok AND NOT flagged) AS ended_good,
    CAST(coalesce(sum(CASE WHEN ended_in THEN greatest(date_diff('day', accept_day, end_day), 0) END), 0)
        AS BIGINT) AS ended_days,
    count_if(result_in) AS ended_paper,
    count_if(result_in AND eresult) AS ended_eresult,
    count_if(returned_in) AS returned_rated,
    count_if(returned_in AND satisfied) AS returned_satisfied,
    count_if(open_at_end) AS open,
    count_if(open_at_end AND (overdue_from IS NULL OR overdue_from > DATE '{end}')) AS within,
    count_if(open_at_end AND (overdue_from IS NULL OR overdue_from > DATE '{end}') AND NOT flagged)
        AS within_clean
FROM c GROUP BY agency
"""


def duck_counters(paths: dict[str, Path], agency_ids: Sequence[int], start: dt.date, end: dt.date):
    """Run ``DUCK_SQL`` with the rule-set numbers the raw path reads; counters per agency."""
    import duckdb

    from minhbach.core.selectors import ruleset_in_force
    from minhbach.dossiers.onego import rules
    from minhbach.indicators.facts import late_after_requests

    ruleset = ruleset_in_force("onestop", dt.date.today())
    one_go = rules(ruleset.settings if ruleset else None)
    query = DUCK_SQL.format(
        **{name: str(path) for name, path in paths.items()},
        window=one_go["resubmission_window_days"], max_pre=one_go["max_pre_acceptance_requests"],
        max_post=one_go["max_post_acceptance_requests"], late_after=late_after_requests(),
        agencies=", ".join(str(i) for i in agency_ids), start=start.isoformat(), end=end.isoformat(),
    )  # fmt: skip

    def run() -> dict[int, dict[str, int]]:
        with duckdb.connect() as duck:
            cursor = duck.execute(query)
            names = [column[0] for column in cursor.description]
            return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}

    return run


# --- The benchmark ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the rollup table (best of)")
    parser.add_argument("--repeat-raw", type=int, default=1, help="timed runs of the raw table (best of)")
    parser.add_argument("--repeat-duck", type=int, default=3, help="timed runs of DuckDB (best of)")
    parser.add_argument("--fresh", action="store_true", help="create and migrate the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (the generator is PostgreSQL only)")
    if args.fresh:
        create_database(url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if args.fresh:
        call_command("migrate", verbosity=0)
    require_empty()
    try:
        run(args)
    finally:
        if args.drop:
            drop_database()
        else:
            connection.close()


def run(args: argparse.Namespace) -> None:
    from django.db import connection

    from minhbach.indicators import rollups
    from minhbach.indicators.compute import current_set, tables
    from minhbach.indicators.families import raw_counters, rollup_counters
    from minhbach.indicators.models import IndicatorDefinition

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version(), current_setting('max_parallel_workers_per_gather'), current_setting('jit'),"
            " current_setting('shared_buffers'), current_setting('work_mem')"
        )
        version, workers, jit, buffers, work_mem = cursor.fetchone()
    print(f"{version.split(' on ')[0]}; jit={jit}; shared_buffers={buffers}; work_mem={work_mem}; "
          f"max_parallel_workers_per_gather={workers}; cpus={os.cpu_count()}; "
          f"load average {load()}")  # fmt: skip
    committee, children, versions = build_world(args.units)
    units = [committee, *children]
    ids = [u.pk for u in units]
    indicator_set = current_set(END)
    every = list(
        IndicatorDefinition.objects.filter(indicator_set=indicator_set)
        .select_related("group")
        .order_by("group__order", "order")
    )
    campaign = [d for d in every if d.group.code == "campaign"]

    def table(source: str, definitions=campaign) -> Callable[[], Any]:
        return lambda: tables(
            units, START, END, indicator_set=indicator_set, source=source, definitions=definitions
        )

    def figures(result) -> list:
        return [(t.agency.pk, c.definition.code, c.ratio) for t in result for c in t.cells]

    rows: list[tuple[str, str, str]] = []
    small = max(args.dossiers // 10, 1)
    print(f"generating {small:,} dossiers over {START:%d/%m/%Y}–{END:%d/%m/%Y} for {args.units} units "
          f"(seed {args.seed}) …", flush=True)  # fmt: skip
    t_gen1, _ = once(lambda: generate(small, agencies=units, versions=versions, seed=args.seed, batch=0))
    t_reb1, stats1 = once(rollups.rebuild)
    t_a_small, _ = best_of(table("rollup"), args.repeat)
    step(f"(a) {ms(t_a_small)}; timing (b) …")
    t_b_small, _ = best_of(table("raw"), 1, warmup=0)
    rows += [
        (f"generate {small:,}", ms(t_gen1), ""),
        (f"rollups.rebuild() at {small:,}", ms(t_reb1), f"{stats1['unit_rows']:,} unit-day rows"),
        (f"(a) rollup table at {small:,}", ms(t_a_small), f"best of {args.repeat}"),
        (f"(b) raw table at {small:,}", ms(t_b_small), "1 run"),
    ]
    step(f"(b) {ms(t_b_small)}; generating {args.dossiers - small:,} more …")
    t_gen2, _ = once(
        lambda: generate(args.dossiers - small, agencies=units, versions=versions, seed=args.seed, batch=1)
    )
    step("rebuilding the rollups …")
    t_reb2, stats2 = once(rollups.rebuild)
    step(f"rebuilt in {ms(t_reb2)}; timing (a) …")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    n = args.dossiers
    t_a, rollup_tables = best_of(table("rollup"), args.repeat)
    t_a_full, _ = best_of(table("rollup", every), 2)
    step(f"(a) {ms(t_a)}, (a') {ms(t_a_full)}; timing (b) …")
    t_b, raw_tables = best_of(table("raw"), args.repeat_raw, warmup=0)
    step(f"(b) {ms(t_b)}; timing the dossier family alone …")
    t_rc, by_rollup = best_of(lambda: rollup_counters(ids, START, END), args.repeat)
    t_rawc, by_raw = best_of(lambda: raw_counters(ids, START, END), 1, warmup=0)
    # The dashboard also counts the integrity flags, straight from the dossiers (not rolled up).
    from minhbach.indicators import integrity

    t_flags, _ = best_of(lambda: integrity.counts(units, START, END, units), 2)
    step("exporting to Parquet …")
    with tempfile.TemporaryDirectory() as tmp:
        t_export, paths = once(lambda: export_parquet(Path(tmp)))
        size = sum(p.stat().st_size for p in paths.values())
        t_c, by_duck = best_of(duck_counters(paths, ids, START, END), args.repeat_duck)
    same_tables = figures(rollup_tables) == figures(raw_tables)
    same_duck = {k: dict(v) for k, v in by_duck.items()} == {k: dict(v) for k, v in by_raw.items()}
    same_rollup = by_rollup == by_raw
    rows += [
        (f"generate {n - small:,} more", ms(t_gen2), ""),
        (f"rollups.rebuild() at {n:,}", ms(t_reb2),
         f"{stats2['facts']:,} facts, {stats2['unit_rows']:,} unit-day rows"),
        (f"(a) rollup table at {n:,}", ms(t_a),
         f"campaign group, {len(campaign)} indicators, best of {args.repeat}"),
        (f"(a') rollup table, whole set, at {n:,}", ms(t_a_full),
         f"{len(every)} indicators, best of 2"),
        (f"(b) raw table at {n:,}", ms(t_b), f"best of {args.repeat_raw}, no warm-up"),
        ("    rollup_counters() alone", ms(t_rc), "the dossier family's query from rollups"),
        ("    raw_counters() alone", ms(t_rawc), "the dossier family's query from dossiers, 1 run"),
        ("    integrity flag counts", ms(t_flags), "the dashboard's flags, from raw rows, best of 2"),
        ("(c) export PostgreSQL → Parquet", ms(t_export), f"raw rows of 8 tables, {size / 1e6:,.0f} MB"),
        ("(c) DuckDB, same counters", ms(t_c), f"best of {args.repeat_duck}, reads the Parquet files"),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows) + 2
    print()
    for label, value, note in rows:
        print(f"{label:<{width}}{value:>12}   {note}")
    print()
    check = lambda ok: "✓" if ok else "✗"  # noqa: E731
    print(f"rollup table = raw table (every cell of {len(units)} units): {check(same_tables)}")
    print(f"rollup counters = raw counters: {check(same_rollup)}; DuckDB = raw: {check(same_duck)}")
    print(
        f"(a) at {n:,} / (a) at {small:,}: {t_a / t_a_small:.2f}× (target ≈ 1: independent of dossier count)"
    )
    print(f"(b) at {n:,} / (b) at {small:,}: {t_b / t_b_small:.2f}×")
    print(f"raw_counters() / DuckDB = {t_rawc / t_c:.1f}× (same counters)")
    print(f"b / a = {t_b / t_a:,.0f}×;  b / c = {t_b / t_c:.1f}× (target ≤ 5×);  "
          f"a < 100 ms: {check(t_a < 0.1)}; a' < 100 ms: {check(t_a_full < 0.1)}")  # fmt: skip
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
