from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from minhbach.dossiers.models import Applicant, Dossier, Status
from minhbach.procedures.tests.factories import make_procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> dt.datetime:
    """'2024-02-07 10:00' in Việt Nam time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture
def version(db):
    return make_procedure(days=3)


@pytest.fixture
def make_dossier(version):
    """A dossier written directly with the fields the counting rules read (no workflow)."""
    owner = Applicant.objects.create(full_name="Nguyễn Văn Thử", phone="0905000000")

    def _make(*, agency, accepted: str | None, due: str | None, status: int = Status.IN_PROGRESS, **fields):
        accepted_at = at(accepted) if accepted else None
        return Dossier.objects.create(
            procedure_version=fields.pop("procedure_version", version),
            channel=fields.pop("channel", 1),
            receiving_agency=fields.pop("receiving_agency", agency),
            handling_agency=agency,
            owner=fields.pop("owner", owner),
            submitted_at=accepted_at or at("2024-01-02 08:00"),
            accepted_at=accepted_at,
            effective_due_at=at(due) if due else None,
            status=status,
            **{k: (at(v) if isinstance(v, str) and k.endswith("_at") else v) for k, v in fields.items()},
        )

    return _make
