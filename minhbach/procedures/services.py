"""Writes on the procedure catalogue: every import and edit goes through ``procedure_upsert``.

An upsert is keyed by (procedure code, announcing decision). The same decision re-imported with
the same content changes nothing; with different content (a corrected national record or a
better parse) it updates that version in place and the ledger keeps the old hash. A different
decision creates a new version; the newest in force becomes ``current_version`` and the one it
replaces is marked ``amended`` (NĐ 63/2010/NĐ-CP Điều 14; DOMAIN.md §4.1).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from minhbach.core import ledger
from minhbach.core.ledger import canonical_json
from minhbach.core.text import fold
from minhbach.procedures import signals
from minhbach.procedures.models import (
    AnnouncingDecision,
    FeeLine,
    LegalBasis,
    Procedure,
    ProcedureChannel,
    ProcedureDocument,
    ProcedureField,
    ProcedureResult,
    ProcedureVersion,
    TimeUnit,
)


@dataclasses.dataclass
class FeeData:
    name: str = ""
    amount_vnd: int | None = None
    basis_text: str = ""
    needs_review: bool = False


@dataclasses.dataclass
class ChannelData:
    channel: int
    time_limit_value: Decimal | None = None
    time_limit_unit: str = TimeUnit.UNSPECIFIED
    time_limit_text: str = ""
    fee_text: str = ""
    description: str = ""
    needs_review: bool = False
    fees: list[FeeData] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class DocumentData:
    name: str
    group: str = ""
    form_template: str = ""
    originals: int | None = None
    copies: int | None = None
    quantity_text: str = ""
    mandatory: bool = True


@dataclasses.dataclass
class ResultData:
    name: str
    code: str = ""


@dataclasses.dataclass
class LegalBasisData:
    number: str = ""
    title: str = ""
    issued_on: dt.date | None = None
    issuer: str = ""


@dataclasses.dataclass
class ProcedureData:
    """Everything one national record says, already parsed. ``review_notes`` lists what the
    parser could not read with certainty; such a version is flagged ``needs_review``."""

    code: str
    name: str
    field: str
    decision: str
    levels: list[str] = dataclasses.field(default_factory=list)
    kind: str = ""
    subjects: list[str] = dataclasses.field(default_factory=list)
    competent_agencies: str = ""
    performing_agencies: str = ""
    authorised_agencies: str = ""
    cooperating_agencies: str = ""
    receiving_address: str = ""
    steps: str = ""
    conditions: str = ""
    related_procedures: str = ""
    keywords: str = ""
    description: str = ""
    full_online_eligible: bool = False
    online_mode: str = ProcedureVersion.OnlineMode.NONE
    has_paper_result: bool = True
    valid_from: dt.date | None = None
    decision_issuer: str = ""
    decision_signed_on: dt.date | None = None
    source_url: str = ""
    source_record: dict[str, Any] = dataclasses.field(default_factory=dict)
    channels: list[ChannelData] = dataclasses.field(default_factory=list)
    documents: list[DocumentData] = dataclasses.field(default_factory=list)
    results: list[ResultData] = dataclasses.field(default_factory=list)
    legal_bases: list[LegalBasisData] = dataclasses.field(default_factory=list)
    review_notes: list[str] = dataclasses.field(default_factory=list)

    def content_hash(self) -> str:
        """SHA-256 of the parsed content: what decides "unchanged" on a re-import."""
        return hashlib.sha256(canonical_json(dataclasses.asdict(self)).encode("utf-8")).hexdigest()


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

_VERSION_FIELDS = (
    "name", "levels", "kind", "subjects", "competent_agencies", "performing_agencies", "authorised_agencies",
    "cooperating_agencies", "receiving_address", "steps", "conditions", "related_procedures", "keywords",
    "description", "full_online_eligible", "online_mode", "has_paper_result", "valid_from", "source_url",
    "source_record",
)  # fmt: skip


def _field(name: str) -> ProcedureField:
    field = ProcedureField.objects.filter(name=name).first()
    if field is None:
        base = slugify(name.replace("Đ", "D").replace("đ", "d"))[:200] or "linh-vuc"
        slug, n = base, 1
        while ProcedureField.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        field = ProcedureField.objects.create(name=name, slug=slug)
    return field


def _decision(data: ProcedureData) -> AnnouncingDecision:
    decision, _created = AnnouncingDecision.objects.get_or_create(
        number=data.decision,
        defaults={"issuer": data.decision_issuer, "signed_on": data.decision_signed_on},
    )
    return decision


def _write_children(version: ProcedureVersion, data: ProcedureData) -> None:
    version.channels.all().delete()
    version.documents.all().delete()
    version.results.all().delete()
    version.legal_bases.all().delete()
    for c in data.channels:
        channel = ProcedureChannel.objects.create(
            version=version,
            channel=c.channel,
            time_limit_value=c.time_limit_value,
            time_limit_unit=c.time_limit_unit,
            time_limit_text=c.time_limit_text,
            fee_text=c.fee_text,
            description=c.description,
            needs_review=c.needs_review,
        )
        FeeLine.objects.bulk_create(
            FeeLine(channel=channel, name=f.name, amount_vnd=f.amount_vnd, basis_text=f.basis_text,
                    needs_review=f.needs_review)
            for f in c.fees
        )  # fmt: skip
    ProcedureDocument.objects.bulk_create(
        ProcedureDocument(version=version, order=i, **dataclasses.asdict(d))
        for i, d in enumerate(data.documents)
    )
    ProcedureResult.objects.bulk_create(
        ProcedureResult(version=version, order=i, name=r.name, code=r.code)
        for i, r in enumerate(data.results)
    )
    LegalBasis.objects.bulk_create(
        LegalBasis(version=version, order=i, **dataclasses.asdict(b)) for i, b in enumerate(data.legal_bases)
    )


def _refresh_current(procedure: Procedure) -> None:
    """Point the procedure at its newest version already in force and mark the older ones amended.

    A version announced for a future date waits: the public page keeps showing the text that
    applies today until the new decision takes effect (NĐ 63/2010/NĐ-CP Điều 15).
    """
    versions = list(procedure.versions.exclude(status=ProcedureVersion.Status.ABOLISHED).order_by("pk"))
    if not versions:
        return
    today = timezone.localdate()
    started = [v for v in versions if v.valid_from is None or v.valid_from <= today] or versions
    current = max(started, key=lambda v: (v.valid_from or dt.date.min, v.pk))
    for v in versions:
        superseded = (v.valid_from or dt.date.min, v.pk) < (current.valid_from or dt.date.min, current.pk)
        if superseded and v.status == ProcedureVersion.Status.IN_FORCE:
            v.status = ProcedureVersion.Status.AMENDED
            if current.valid_from and (v.valid_to is None or v.valid_to >= current.valid_from):
                v.valid_to = current.valid_from - dt.timedelta(days=1)
            v.save(update_fields=["status", "valid_to"])
    procedure.current_version = current
    procedure.name = current.name
    procedure.field_id = current.field_id
    procedure.levels = current.levels
    procedure.full_online_eligible = current.full_online_eligible
    procedure.search_text = fold(
        " ".join([current.name, current.field.name, current.keywords, procedure.code])
    )
    procedure.save()


@transaction.atomic
def procedure_upsert(*, actor: Any, data: ProcedureData) -> tuple[ProcedureVersion, str]:
    """Create or update the version of ``data.code`` under ``data.decision``; returns (version, outcome)."""
    digest = data.content_hash()
    field = _field(data.field)
    decision = _decision(data)
    procedure = Procedure.objects.filter(code=data.code).first()
    if procedure is None:
        procedure = Procedure.objects.create(code=data.code, name=data.name, field=field, levels=data.levels)
    version = ProcedureVersion.objects.filter(procedure=procedure, decision=decision).first()
    if version is not None and version.source_hash == digest:
        return version, UNCHANGED
    outcome = CREATED if version is None else UPDATED
    old_hash = version.source_hash if version else ""
    version = version or ProcedureVersion(procedure=procedure, decision=decision)
    for name in _VERSION_FIELDS:
        setattr(version, name, getattr(data, name))
    version.field = field
    version.source_hash = digest
    version.needs_review = bool(data.review_notes) or any(c.needs_review for c in data.channels)
    version.review_notes = list(data.review_notes)
    version.save()
    _write_children(version, data)
    _refresh_current(procedure)
    ledger.record(
        actor=actor,
        action=f"procedure.version_{outcome}",
        obj=version,
        payload={"code": data.code, "decision": data.decision, "hash": digest, "previous_hash": old_hash,
                 "needs_review": version.needs_review},
    )  # fmt: skip
    if outcome == CREATED and version.decision_id is not None:
        signals.version_announced.send(ProcedureVersion, version=version)
    return version, outcome
