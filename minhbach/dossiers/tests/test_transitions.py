"""The transition table is enforced; refused moves write nothing; every move is in the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from minhbach.core import ledger
from minhbach.core.models import LedgerEntry
from minhbach.dossiers import services
from minhbach.dossiers.models import DossierEvent, Status
from minhbach.dossiers.tests.conftest import at
from minhbach.dossiers.transitions import TRANSITIONS, allowed_actions

pytestmark = pytest.mark.django_db


def test_table_has_no_move_out_of_a_terminal_state():
    for terminal in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED):
        assert allowed_actions(terminal, "") == []


SERVICE_OF = {
    "request_supplement_before": "request_supplement",
    "request_supplement_after": "request_supplement",
    "return_result": "return",
}


def test_every_action_has_a_service():
    for action in TRANSITIONS:
        assert hasattr(services, f"dossier_{SERVICE_OF.get(action, action)}"), action


def test_full_lifecycle_writes_events_and_a_valid_ledger(register):
    dossier = register(when="2024-03-04 08:00")
    dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-04 08:05"))
    dossier = services.dossier_transfer(actor=None, dossier=dossier, at=at("2024-03-04 09:00"))
    dossier = services.dossier_notify_obligation(actor=None, dossier=dossier, at=at("2024-03-05 09:00"))
    dossier = services.dossier_confirm_payment(actor=None, dossier=dossier, at=at("2024-03-05 10:00"))
    dossier = services.dossier_finish(actor=None, dossier=dossier, at=at("2024-03-06 10:00"))
    dossier = services.dossier_return(actor=None, dossier=dossier, at=at("2024-03-06 14:00"))
    assert dossier.status == Status.RETURNED and dossier.punctuality == "early"
    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions == ["register", "accept", "transfer", "notify_obligation", "confirm_payment", "finish",
                       "return_result"]  # fmt: skip
    logged = LedgerEntry.objects.filter(object_type="dossiers.dossier", object_id=str(dossier.pk))
    assert logged.count() == len(actions)
    assert ledger.verify().ok


@pytest.mark.parametrize("service", ["dossier_finish", "dossier_transfer", "dossier_return", "dossier_stop"])
def test_illegal_move_is_refused_and_writes_nothing(register, service):
    dossier = register()
    events, entries = DossierEvent.objects.count(), LedgerEntry.objects.count()
    with pytest.raises(services.TransitionError) as excinfo:
        getattr(services, service)(actor=None, dossier=dossier, reason="x")
    assert "Không thể thực hiện" in str(excinfo.value)
    dossier.refresh_from_db()
    assert dossier.status == Status.REGISTERED
    assert (DossierEvent.objects.count(), LedgerEntry.objects.count()) == (events, entries)


def test_refusal_needs_a_reason(register):
    dossier = register()
    with pytest.raises(services.TransitionError, match="lý do"):
        services.dossier_refuse(actor=None, dossier=dossier, reason="  ")


def test_stale_screen_is_refused(register):
    dossier = register()
    stale = dossier.lock_version
    services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-04 09:00"))
    with pytest.raises(services.TransitionError, match="người khác"):
        services.dossier_refuse(
            actor=None, dossier=dossier, reason="Không thuộc thẩm quyền", lock_version=stale
        )


def test_supplement_request_lists_items(register):
    dossier = register()
    with pytest.raises(services.TransitionError, match="giấy tờ"):
        services.dossier_request_supplement(actor=None, dossier=dossier, items=[{"name": ""}], reason="Thiếu")


def test_printed_date_may_be_earlier_never_later(register):
    dossier = register()
    with pytest.raises(services.TransitionError):
        services.dossier_accept(
            actor=None,
            dossier=dossier,
            accepted_at=at("2024-03-04 09:00"),
            printed_due_at=at("2024-03-20 17:00"),
        )
    dossier = services.dossier_accept(
        actor=None, dossier=dossier, accepted_at=at("2024-03-04 09:00"), printed_due_at=at("2024-03-06 17:00")
    )
    assert dossier.printed_due_at == at("2024-03-06 17:00")
    assert dossier.original_due_at.date() == dt.date(2024, 3, 8)  # 00:00 after Thu 07/03, stored UTC


def test_registration_keeps_documents_and_fees(desk, version):
    dossier = services.dossier_register(
        actor=None, procedure_version=version, channel=1, receiving_agency=desk,
        owner=services.ApplicantData(full_name="Hồ Văn Tới"),
        documents=[services.SubmittedDocument(name="Tờ khai", originals=1),
                   services.SubmittedDocument(name="Giấy chứng sinh", originals=1, copies=1)],
        fees=[services.FeeCharge(name="Lệ phí", amount_vnd=8000)],
    )  # fmt: skip
    assert list(dossier.documents.values_list("name", "originals", "copies")) == [
        ("Tờ khai", 1, 0), ("Giấy chứng sinh", 1, 1)
    ]  # fmt: skip
    assert dossier.fees.get().amount_vnd == 8000


def test_negative_fee_writes_nothing(desk, version):
    from minhbach.dossiers.models import Dossier

    with pytest.raises(services.TransitionError):
        services.dossier_register(
            actor=None,
            procedure_version=version,
            channel=1,
            receiving_agency=desk,
            owner=services.ApplicantData(full_name="Hồ Văn Tới"),
            fees=[services.FeeCharge(name="x", amount_vnd=-1)],
        )
    assert not Dossier.objects.exists()


def test_transfer_and_hand_over_fill_the_control_slip_rows(register, desk):
    from minhbach.dossiers.models import DossierStep
    from minhbach.units.tests.factories import make_agency

    office = make_agency(name="Phòng Tư pháp", parent=desk)
    dossier = services.dossier_accept(actor=None, dossier=register(), accepted_at=at("2024-03-04 08:05"))
    dossier = services.dossier_transfer(actor=None, dossier=dossier, agency=office, at=at("2024-03-04 09:00"))
    # Between two officers of the same office: the step stays with the handling office.
    dossier = services.dossier_hand_over(actor=None, dossier=dossier, at=at("2024-03-04 14:00"))
    dossier = services.dossier_hand_over(actor=None, dossier=dossier, agency=desk, at=at("2024-03-05 10:00"))
    dossier = services.dossier_finish(actor=None, dossier=dossier, at=at("2024-03-05 15:00"))
    steps = list(DossierStep.objects.filter(dossier=dossier).values_list("agency__name", "handed_over_at"))
    assert steps == [
        ("Phòng Tư pháp", at("2024-03-04 14:00")),
        ("Phòng Tư pháp", at("2024-03-05 10:00")),
        (desk.name, at("2024-03-05 15:00")),
    ]
