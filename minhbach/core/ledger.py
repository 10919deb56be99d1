"""The tamper-evident ledger: every service writes its events through :func:`record`.

Each entry's ``hash`` is SHA-256 over the previous entry's hash followed by the canonical JSON
of the entry's own content, so altering, deleting, reordering or inserting a row breaks the
chain at that row. UPDATE and DELETE are also refused by database triggers (migration
``core.0002_ledger_append_only``); :func:`verify` is what catches someone who disabled them.

Appending is serialised: PostgreSQL takes a transaction-scoped advisory lock; SQLite runs every
transaction as ``BEGIN IMMEDIATE`` (settings), which already holds the single write lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core.models import LedgerEntry

GENESIS_HASH = "0" * 64
# An arbitrary, fixed 64-bit key for pg_advisory_xact_lock: "minhbach ledger".
_PG_LOCK_KEY = 0x6D696E6862616368


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"Cannot put {type(value).__name__} in the ledger")


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept as is (RFC 8785 in spirit)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _content(entry: LedgerEntry) -> str:
    occurred = entry.occurred_at
    if timezone.is_aware(occurred):
        occurred = occurred.astimezone(dt.UTC)
    return canonical_json(
        {
            "seq": entry.seq,
            "occurred_at": occurred.isoformat(),
            "actor_id": entry.actor_id,
            "actor_label": entry.actor_label,
            "unit_code": entry.unit_code,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "action": entry.action,
            "payload": entry.payload,
        }
    )


def compute_hash(entry: LedgerEntry) -> str:
    return hashlib.sha256((entry.prev_hash + _content(entry)).encode("utf-8")).hexdigest()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    unit_code: str = "",
    payload: dict[str, Any] | None = None,
) -> LedgerEntry:
    """Append one event. Call it inside the service's transaction so both commit or neither.

    ``actor`` is a user (or ``None`` for the system, e.g. an import command). ``obj`` gives the
    object type (``app_label.model``) and id unless they are passed explicitly.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    if not object_type or object_id is None:
        raise ValueError("A ledger entry needs an object type and id.")
    actor_id = getattr(actor, "pk", None)
    actor_label = actor.get_username() if actor_id is not None else "system"
    with transaction.atomic():
        _lock()
        last = LedgerEntry.objects.order_by("-seq").only("seq", "hash").first()
        entry = LedgerEntry(
            seq=(last.seq + 1) if last else 1,
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            unit_code=unit_code or "",
            object_type=object_type,
            object_id=str(object_id),
            action=action,
            payload=canonical_json(payload or {}),
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
    return entry


@dataclasses.dataclass(frozen=True)
class Pending:
    """An event waiting to be appended by :func:`record_many` (bulk loads and imports)."""

    action: str
    object_type: str
    object_id: str | int
    payload: dict[str, Any]
    actor: Any = None
    unit_code: str = ""
    occurred_at: Any = None


def record_many(events: list[Pending], *, batch_size: int = 1000) -> int:
    """Append many events in one locked pass: the chain is computed in Python, rows bulk-inserted.

    For imports and the demo history, where one ``record`` per event would cost a lock and three
    queries each. The chain is exactly what ``record`` would have produced; ``verify`` checks it
    the same way. Must run inside the caller's transaction.
    """
    if not events:
        return 0
    with transaction.atomic():
        _lock()
        last = LedgerEntry.objects.order_by("-seq").only("seq", "hash").first()
        seq, prev = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        now = timezone.now()
        rows: list[LedgerEntry] = []
        for event in events:
            seq += 1
            actor_id = getattr(event.actor, "pk", None)
            entry = LedgerEntry(
                seq=seq,
                occurred_at=event.occurred_at or now,
                actor_id=actor_id,
                actor_label=event.actor.get_username() if actor_id is not None else "system",
                unit_code=event.unit_code or "",
                object_type=event.object_type,
                object_id=str(event.object_id),
                action=event.action,
                payload=canonical_json(event.payload),
                prev_hash=prev,
            )
            entry.hash = compute_hash(entry)
            prev = entry.hash
            rows.append(entry)
        LedgerEntry.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


@dataclasses.dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.reason}"


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    checked: int
    head_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _walk() -> Iterator[LedgerEntry]:
    return LedgerEntry.objects.order_by("seq", "pk").iterator(chunk_size=2000)


def verify() -> VerifyResult:
    """Walk the chain from the genesis and return the first break, if any.

    Detects: a changed row (its hash no longer matches its content), a deleted row (a gap in
    ``seq`` and a ``prev_hash`` that points nowhere), reordered rows and inserted rows (a
    ``prev_hash`` that is not the hash of the row before).
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in _walk():
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                reason = _("thiếu bút toán #%(seq)d (bị xóa hoặc chưa từng ghi)") % {"seq": expected_seq}
                return VerifyResult(checked, prev_hash, Break(expected_seq, reason))
            return VerifyResult(checked, prev_hash, Break(entry.seq, _("số thứ tự trùng hoặc bị đảo")))
        if entry.prev_hash != prev_hash:
            reason = _("mắt xích trước không khớp (bút toán bị chèn, đảo thứ tự hoặc bút toán trước bị xóa)")
            return VerifyResult(checked, prev_hash, Break(entry.seq, reason))
        if compute_hash(entry) != entry.hash:
            return VerifyResult(
                checked, prev_hash, Break(entry.seq, _("nội dung đã bị sửa (mã băm không khớp)"))
            )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    return VerifyResult(checked, prev_hash, None)


def history(obj: models.Model):
    """Ledger entries of one object, oldest first (for timelines)."""
    return LedgerEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "seq"
    )
