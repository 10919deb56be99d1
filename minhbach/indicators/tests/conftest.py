from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from minhbach.dossiers.models import Applicant, Dossier, DossierResult, Status
from minhbach.indicators import rollups
from minhbach.procedures.tests.factories import make_procedure
from minhbach.ratings.models import Rating, RatingChannel
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

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


# The hand-built month of test_compute (see its docstring), shared by the dashboard tests.
@pytest.fixture
def scenario(make_dossier):
    committee = make_agency(name="UBND huyện Thử", code="000.00.15.H49")
    x = make_agency(name="Phòng X", kind=Agency.Kind.OFFICE, parent=committee, code="000.08.15.H49")
    y = make_agency(name="Phòng Y", kind=Agency.Kind.OFFICE, parent=committee, code="000.09.15.H49")
    other = Applicant.objects.create(full_name="Trần Thị Khác", phone="0905999999")
    fin, ret = Status.FINISHED, Status.RETURNED
    make_dossier(
        agency=x,
        accepted="2024-01-25 09:00",
        due="2024-02-05 17:00",
        status=fin,
        finished_at="2024-02-05 10:00",
        ended_at="2024-02-05 10:00",
    )
    make_dossier(
        agency=x,
        accepted="2024-02-01 09:00",
        due="2024-02-06 17:00",
        status=ret,
        finished_at="2024-02-15 10:00",
        returned_at="2024-02-16 09:00",
        ended_at="2024-02-15 10:00",
    )
    make_dossier(agency=x, accepted="2024-02-20 09:00", due="2024-03-05 17:00")
    make_dossier(agency=x, accepted="2024-02-05 09:00", due="2024-02-20 17:00")
    make_dossier(
        agency=x,
        accepted="2024-02-02 09:00",
        due="2024-02-28 17:00",
        status=fin,
        finished_at="2024-02-27 10:00",
        ended_at="2024-02-27 10:00",
        supplements_after=2,
    )
    make_dossier(
        agency=x,
        accepted="2024-02-03 09:00",
        due="2024-02-15 17:00",
        status=Status.SUPPLEMENT_REQUESTED,
        stage="after_acceptance",
        paused_at="2024-02-07 10:00",
        supplements_after=1,
    )
    make_dossier(
        agency=x,
        accepted="2024-02-06 09:00",
        due="2024-02-09 17:00",
        status=Status.WITHDRAWN,
        ended_at="2024-02-07 10:00",
        owner=other,
    )
    make_dossier(
        agency=x,
        accepted="2024-01-10 09:00",
        due="2024-01-25 17:00",
        status=fin,
        finished_at="2024-01-20 10:00",
        ended_at="2024-01-20 10:00",
    )
    nine = make_dossier(
        agency=x,
        accepted="2024-02-10 09:00",
        due="2024-02-27 17:00",
        status=ret,
        channel=2,
        finished_at="2024-02-26 09:00",
        returned_at="2024-02-26 15:00",
        ended_at="2024-02-26 09:00",
    )
    ten = make_dossier(agency=x, accepted="2024-02-16 09:00", due="2024-02-23 17:00", status=ret,
                       finished_at="2024-02-22 09:00", returned_at="2024-02-22 15:00",
                       ended_at="2024-02-22 09:00")  # fmt: skip
    DossierResult.objects.create(
        dossier=nine, name="Giấy chứng nhận", file_url="https://example.invalid/kq.pdf"
    )
    Rating.objects.create(dossier=nine, level="rat_hai_long", satisfied=True, channel=RatingChannel.QR)
    Rating.objects.create(dossier=ten, level="khong_hai_long", satisfied=False, channel=RatingChannel.QR)
    rollups.rebuild()
    return committee, x, y
