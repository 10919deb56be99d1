"""Dossier codes: <agency code>-YYMMDD-XXXX, consecutive per agency and day, never reused."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections

from minhbach.dossiers import services
from minhbach.dossiers.models import Dossier
from minhbach.dossiers.tests.conftest import at

# Decided at collection time: a transactional test that wrote ledger rows could not be flushed
# on SQLite, whose triggers refuse DELETE on the ledger (PostgreSQL flushes with TRUNCATE).
needs_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="Concurrent writers need PostgreSQL (SQLite serialises all writers by design).",
)


@pytest.mark.django_db
def test_codes_are_consecutive_and_restart_each_day(register):
    codes = []
    for minute in range(3):
        dossier = register(when=f"2024-03-04 08:0{minute}")
        codes.append(
            services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-04 09:00")).code
        )
    assert codes == ["000.31.15.H49-240304-0001", "000.31.15.H49-240304-0002", "000.31.15.H49-240304-0003"]
    next_day = services.dossier_accept(actor=None, dossier=register(), accepted_at=at("2024-03-05 09:00"))
    assert next_day.code == "000.31.15.H49-240305-0001"


@pytest.mark.django_db
def test_refused_dossier_keeps_its_number(register):
    first = register(channel=2, when="2024-03-04 08:00")  # online: code at registration
    assert first.code == "000.31.15.H49-240304-0001"
    services.dossier_refuse(actor=None, dossier=first, reason="Không thuộc thẩm quyền")
    second = register(channel=2, when="2024-03-04 08:30")
    assert second.code == "000.31.15.H49-240304-0002"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_receptions_get_fifty_consecutive_codes(register):
    dossiers = [register(when="2024-03-04 08:00") for _ in range(50)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def worker(chunk):
        try:
            barrier.wait()
            for dossier in chunk:
                services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-04 09:00"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(dossiers[i::10],)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert codes == [f"000.31.15.H49-240304-{n:04d}" for n in range(1, 51)]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_lose_nothing(register):
    dossier = services.dossier_accept(actor=None, dossier=register(), accepted_at=at("2024-03-04 09:00"))
    results: list[str] = []
    barrier = threading.Barrier(2)

    def attempt(action):
        try:
            barrier.wait()
            if action == "transfer":
                services.dossier_transfer(actor=None, dossier=dossier)
            else:
                services.dossier_refuse(actor=None, dossier=dossier, reason="x")
            results.append(f"{action}:ok")
        except services.TransitionError:
            results.append(f"{action}:refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(a,)) for a in ("transfer", "withdraw")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dossier.refresh_from_db()
    assert dossier.events.count() == 1 + 1 + results.count("transfer:ok") + results.count("withdraw:ok")
    assert dossier.lock_version == 1 + results.count("transfer:ok") + results.count("withdraw:ok")
