"""procedure_upsert: idempotent by code + decision, versioned by decision, ledgered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from minhbach.core.models import LedgerEntry
from minhbach.procedures import services
from minhbach.procedures.models import Procedure, ProcedureChannel, ProcedureVersion
from minhbach.procedures.tests.factories import make_procedure, procedure_data

pytestmark = pytest.mark.django_db


def test_create_then_unchanged_then_updated():
    version, outcome = services.procedure_upsert(actor=None, data=procedure_data())
    assert outcome == services.CREATED
    assert version.channels.count() == 2 and version.documents.count() == 2
    entries = LedgerEntry.objects.count()
    _again, outcome = services.procedure_upsert(actor=None, data=procedure_data())
    assert outcome == services.UNCHANGED and LedgerEntry.objects.count() == entries
    updated, outcome = services.procedure_upsert(actor=None, data=procedure_data(days=5))
    assert outcome == services.UPDATED and updated.pk == version.pk
    assert set(
        ProcedureChannel.objects.filter(version=updated).values_list("time_limit_value", flat=True)
    ) == {Decimal(5)}
    assert LedgerEntry.objects.count() == entries + 1


def test_new_decision_creates_a_version_and_keeps_history():
    old = make_procedure(decision="1872/QĐ-BTP", valid_from=dt.date(2020, 7, 1))
    new = make_procedure(
        decision="2000/QĐ-BTP", valid_from=dt.date(2024, 1, 1), name="Thủ tục đăng ký khai sinh (mới)"
    )
    procedure = Procedure.objects.get(code="1.001193")
    old.refresh_from_db()
    assert procedure.current_version == new and procedure.name.endswith("(mới)")
    assert old.status == ProcedureVersion.Status.AMENDED and old.valid_to == dt.date(2023, 12, 31)
    assert procedure.versions.count() == 2


def test_search_text_is_folded():
    make_procedure()
    assert "dang ky khai sinh" in Procedure.objects.get().search_text


def test_review_notes_flag_the_version():
    version = make_procedure(review_notes=["Thời hạn kênh trực tuyến không đọc được"])
    assert version.needs_review


def test_a_future_decision_waits_for_its_date():
    today = timezone.localdate()
    current = make_procedure(decision="1/QĐ-A", valid_from=today - dt.timedelta(days=30))
    future = make_procedure(decision="2/QĐ-A", valid_from=today + dt.timedelta(days=30), name="Tên mới")
    procedure = Procedure.objects.get(code="1.001193")
    current.refresh_from_db()
    future.refresh_from_db()
    assert procedure.current_version == current and procedure.name != "Tên mới"
    assert current.status == ProcedureVersion.Status.IN_FORCE
