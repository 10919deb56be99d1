"""The ledger refuses edits at the database level and detects tampering when the guard is off."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from minhbach.core import ledger
from minhbach.core.models import LedgerEntry

pytestmark = pytest.mark.django_db

TABLE = LedgerEntry._meta.db_table


def _append(n: int) -> list[LedgerEntry]:
    return [
        ledger.record(
            actor=None, action="test.event", object_type="test.thing", object_id=i, payload={"i": i}
        )
        for i in range(n)
    ]


class _GuardOff:
    """Drop the append-only triggers for the duration of a block, as a tamperer with DBA rights would.

    The test transaction is rolled back afterwards, which restores the triggers on both databases
    (DDL is transactional in SQLite and PostgreSQL).
    """

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            else:
                cursor.execute("DROP TRIGGER core_ledgerentry_no_update")
                cursor.execute("DROP TRIGGER core_ledgerentry_no_delete")

    def __exit__(self, *exc):
        return False


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify_fails_at(seq: int) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_ledger")
    assert f"#{seq}" in str(excinfo.value)
    return str(excinfo.value)


def test_chain_links_each_entry_to_the_previous_one():
    first, second, third = _append(3)
    assert first.seq == 1 and first.prev_hash == ledger.GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    result = ledger.verify()
    assert result.ok and result.checked == 3 and result.head_hash == third.hash


def test_canonical_json_is_key_order_independent_and_keeps_vietnamese():
    assert ledger.canonical_json({"b": 1, "a": "Trà My"}) == ledger.canonical_json({"a": "Trà My", "b": 1})
    assert "Trà My" in ledger.canonical_json({"a": "Trà My"})


def test_verify_command_reports_head(capsys):
    _append(2)
    call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "OK: 2" in out


@pytest.mark.parametrize("statement", [f"UPDATE {TABLE} SET action = 'forged'", f"DELETE FROM {TABLE}"])
def test_database_refuses_update_and_delete(statement):
    _append(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(statement)
    assert LedgerEntry.objects.filter(action="test.event").count() == 2


def test_orm_update_is_refused_too():
    (entry,) = _append(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(payload='{"i":99}')


def test_detects_altered_payload():
    entries = _append(4)
    with _GuardOff():
        _sql(f"UPDATE {TABLE} SET payload = %s WHERE seq = 3", ['{"i":999}'])
    message = _verify_fails_at(3)
    assert "bị sửa" in message
    assert entries[2].seq == 3


def test_detects_altered_hash_of_a_middle_row():
    _append(4)
    with _GuardOff():
        _sql(f"UPDATE {TABLE} SET hash = %s WHERE seq = 2", ["f" * 64])
    _verify_fails_at(2)


def test_detects_deleted_row():
    _append(5)
    with _GuardOff():
        _sql(f"DELETE FROM {TABLE} WHERE seq = 3")
    message = _verify_fails_at(3)
    assert "thiếu" in message


def test_detects_deleted_last_row_against_published_head():
    entries = _append(3)
    published_head = entries[-1].hash
    with _GuardOff():
        _sql(f"DELETE FROM {TABLE} WHERE seq = 3")
    call_command("verify_ledger")  # the remaining chain is intact ...
    with pytest.raises(CommandError, match="viết lại"):  # ... but the published head is gone
        call_command("verify_ledger", expect_head=published_head)


def test_detects_reordered_rows():
    _append(4)
    with _GuardOff():
        _sql(f"UPDATE {TABLE} SET seq = 1000 WHERE seq = 2")
        _sql(f"UPDATE {TABLE} SET seq = 2 WHERE seq = 3")
        _sql(f"UPDATE {TABLE} SET seq = 3 WHERE seq = 1000")
    _verify_fails_at(2)


def test_detects_row_inserted_in_the_middle():
    entries = _append(3)
    forged = LedgerEntry(
        seq=2,
        occurred_at=entries[1].occurred_at,
        actor_label="intruder",
        object_type="test.thing",
        object_id="x",
        action="test.forged",
        payload="{}",
        prev_hash=entries[0].hash,
    )
    forged.hash = ledger.compute_hash(forged)
    # The intruder shifts the tail up by one and re-points the genuine #2 at the forged entry,
    # so that every prev_hash still names an existing row.
    with _GuardOff():
        _sql(f"UPDATE {TABLE} SET seq = seq + 10 WHERE seq >= 2")
        _sql(f"UPDATE {TABLE} SET seq = seq - 9 WHERE seq >= 12")
        _sql(f"UPDATE {TABLE} SET prev_hash = %s WHERE seq = 3", [forged.hash])
    forged.save(force_insert=True)
    # The forged link itself is consistent; the chain breaks at the genuine entry after it.
    _verify_fails_at(3)


def test_a_fork_is_refused_by_the_database():
    entries = _append(2)
    fork = LedgerEntry(
        seq=99,
        occurred_at=entries[1].occurred_at,
        object_type="test.thing",
        object_id="x",
        action="test.fork",
        payload="{}",
        prev_hash=entries[0].hash,
        hash="b" * 64,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        fork.save(force_insert=True)


def test_detects_row_appended_with_a_wrong_link():
    entries = _append(2)
    forged = LedgerEntry(
        seq=3,
        occurred_at=entries[1].occurred_at,
        actor_label="intruder",
        object_type="test.thing",
        object_id="x",
        action="test.forged",
        payload="{}",
        prev_hash="a" * 64,
    )
    forged.hash = ledger.compute_hash(forged)
    forged.save(force_insert=True)
    _verify_fails_at(3)


def test_record_requires_an_object():
    with pytest.raises(ValueError):
        ledger.record(actor=None, action="x")


def test_record_many_continues_the_chain_exactly():
    (first,) = _append(1)
    events = [ledger.Pending("bulk.event", "test.thing", i, {"i": i, "vi": "Trà My"}) for i in range(2500)]
    assert ledger.record_many(events) == 2500
    after = ledger.record(actor=None, action="test.after", object_type="test.thing", object_id="z")
    assert after.seq == 2502
    result = ledger.verify()
    assert result.ok and result.checked == 2502 and result.head_hash == after.hash
    second = LedgerEntry.objects.get(seq=2)
    assert second.prev_hash == first.hash


def test_record_many_with_nothing_writes_nothing():
    assert ledger.record_many([]) == 0
    assert not LedgerEntry.objects.exists()
