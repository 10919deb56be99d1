"""Register items from triggers: due dates from the rule set over the Vietnamese calendar (§8.2).

Tết Giáp Thìn 2024: Thursday 08/02 to Wednesday 14/02 off. 30/4–1/5 2024: Saturday 27/04 to
Wednesday 01/05 off (Monday 29/04 swapped for the make-up Saturday 04/05). The trigger day is day
zero and not counted (BLDS 2015 Điều 147 khoản 2).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minhbach.core.models import LedgerEntry, RuleSet
from minhbach.disclosure import rules, services
from minhbach.disclosure.models import Kind, PublicationItem, UnitContact
from minhbach.disclosure.tests.conftest import at

D = dt.date

# (kind, trigger, due): hand-computed.
VECTORS = [
    # Wed 07/02/2024 + 5 working days: Tết 08–14/02; 15, 16, 19, 20, 21.
    ("procedure_listing", "2024-02-07 10:00", D(2024, 2, 21)),
    ("spokesperson", "2024-02-07 16:45", D(2024, 2, 21)),
    # + 2 working days (D7): 15, 16/02.
    ("feedback_answer", "2024-02-07 10:00", D(2024, 2, 16)),
    # Triggered during Tết (Sat 10/02): counting starts on Thu 15/02.
    ("feedback_answer", "2024-02-10 09:00", D(2024, 2, 16)),
    # Fri 26/04/2024 + 2: 27/04–01/05 off; 02, 03/05.
    ("feedback_answer", "2024-04-26 09:00", D(2024, 5, 3)),
    # Fri 26/04/2024 + 5: 02, 03, Sat 04/05 (make-up day), 06, 07/05.
    ("reception_contact", "2024-04-26 09:00", D(2024, 5, 7)),
    # + 30 calendar days: 12/01 → Sun 11/02 (Tết) rolls to Thu 15/02 (BLDS Điều 148 khoản 5).
    ("budget", "2024-01-12 09:00", D(2024, 2, 15)),
    ("budget", "2024-02-07 09:00", D(2024, 3, 8)),
    # An ordinary week: Mon 04/03 + 5 → Mon 11/03.
    ("emulation_result", "2024-03-04 09:00", D(2024, 3, 11)),
]


@pytest.mark.parametrize(("kind", "trigger", "due"), VECTORS)
def test_due_dates_from_the_rule_set(district, calendar, kind, trigger, due):
    item = services.item_from_trigger(
        actor=None, agency=district.commune_a, kind=kind, title="Thông tin", trigger_kind="decision",
        trigger_ref="decision:1/QĐ-UBND", trigger_at=at(trigger),
    )  # fmt: skip
    assert item.due_at == due
    assert item.legal_basis == rules.DEFAULT_RULES[kind]["legal_basis"]
    assert item.due_rule["ruleset"] == "vn-disclosure v1"


def test_the_seeded_rule_set_is_what_decides(district, calendar):
    ruleset = RuleSet.objects.get(code="vn-disclosure")
    assert ruleset.domain == "disclosure"
    ruleset.settings["disclosure"]["due"]["procedure_listing"] = {"unit": "working_days", "value": 3}
    ruleset.save()
    item = services.item_from_trigger(
        actor=None, agency=district.commune_a, kind="procedure_listing", title="Niêm yết",
        trigger_kind="decision", trigger_ref="decision:9/QĐ-UBND", trigger_at=at("2024-03-04 09:00"),
    )  # fmt: skip
    assert item.due_at == D(2024, 3, 7)


def test_trigger_is_idempotent_and_ledgered_once(district, make_item):
    before = LedgerEntry.objects.count()
    first = make_item(district.commune_a, ref="decision:5/QĐ-UBND")
    again = make_item(district.commune_a, ref="decision:5/QĐ-UBND")
    assert again.pk == first.pk
    assert PublicationItem.objects.count() == 1
    assert LedgerEntry.objects.count() == before + 1
    assert LedgerEntry.objects.latest("seq").action == "disclosure.item_create"
    # The same reference for another unit or another kind is another item.
    make_item(district.commune_b, ref="decision:5/QĐ-UBND")
    make_item(district.commune_a, ref="decision:5/QĐ-UBND", kind="budget")
    assert PublicationItem.objects.count() == 3


def test_other_kind_needs_a_planned_due_date(district, calendar):
    kwargs = dict(
        actor=None, agency=district.commune_a, kind=Kind.OTHER, title="Lịch tiếp công dân",
        trigger_kind="plan", trigger_ref="plan:KH-01", trigger_at=at("2024-03-04 09:00"),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="hạn công khai"):
        services.item_from_trigger(**kwargs)
    with pytest.raises(ValidationError, match="trước ngày phát sinh"):
        services.item_from_trigger(**kwargs, due_at=D(2024, 3, 1))
    assert not PublicationItem.objects.exists()
    item = services.item_from_trigger(**kwargs, due_at=D(2024, 3, 29))
    assert item.due_at == D(2024, 3, 29)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("trigger_ref", " ", "căn cứ phát sinh"), ("title", "", "tiêu đề"), ("kind", "gossip", "không hợp lệ")],
)
def test_bad_trigger_is_refused_and_nothing_written(district, calendar, field, value, message):
    kwargs = dict(
        actor=None, agency=district.commune_a, kind="budget", title="Dự toán", trigger_kind="decision",
        trigger_ref="decision:7/QĐ-UBND", trigger_at=at("2024-03-04 09:00"),
    )  # fmt: skip
    kwargs[field] = value
    with pytest.raises(ValidationError, match=message):
        services.item_from_trigger(**kwargs)
    assert not PublicationItem.objects.exists()


def test_publish_records_channels_and_refuses_bad_input(district, make_item):
    item = make_item(district.commune_a)
    with pytest.raises(ValidationError, match="ít nhất một"):
        services.item_publish(actor=None, item=item, published_at=at("2024-03-06 10:00"), channels=[])
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.item_publish(actor=None, item=item, published_at=at("2024-03-06 10:00"), channels=["tv"])
    with pytest.raises(ValidationError, match="đường dẫn"):
        services.item_publish(actor=None, item=item, published_at=at("2024-03-06 10:00"), channels=["portal"])
    with pytest.raises(ValidationError, match="trước ngày phát sinh"):
        services.item_publish(
            actor=None, item=item, published_at=at("2024-03-01 10:00"), channels=["notice_board"]
        )
    item.refresh_from_db()
    assert item.published_at is None
    services.item_publish(
        actor=None, item=item, published_at=at("2024-03-06 10:00"), url="https://bactramy.gov.vn/tin/1",
        channels=["portal", "notice_board"],
    )  # fmt: skip
    item.refresh_from_db()
    assert item.channels == ["portal", "notice_board"]
    entry = LedgerEntry.objects.latest("seq")
    assert entry.action == "disclosure.item_publish" and '"on_time":true' in entry.payload
    with pytest.raises(ValidationError, match="đã được ghi nhận"):
        services.item_publish(actor=None, item=item, published_at=at("2024-03-07 10:00"), channels=["letter"])


def test_spokesperson_contact_opens_an_item_and_closes_the_previous(district, calendar):
    first = services.contact_create(
        actor=None, agency=district.committee, kind=UnitContact.Kind.SPOKESPERSON, name="Trần Văn Bình",
        title="Chánh Văn phòng", phone="0235 3880 001", valid_from=D(2023, 1, 3),
        decision_number="12/QĐ-UBND", decision_date=D(2023, 1, 3),
    )  # fmt: skip
    second = services.contact_create(
        actor=None, agency=district.committee, kind=UnitContact.Kind.SPOKESPERSON, name="Lê Thị Hoa",
        title="Chánh Văn phòng", phone="0235 3880 001", valid_from=D(2024, 2, 7),
        decision_number="45/QĐ-UBND", decision_date=D(2024, 2, 7),
    )  # fmt: skip
    first.refresh_from_db()
    assert first.valid_to == D(2024, 2, 6)
    assert second.valid_to is None
    item = PublicationItem.objects.get(trigger_ref="decision:45/QĐ-UBND")
    assert (item.kind, item.due_at) == (Kind.SPOKESPERSON, D(2024, 2, 21))
    assert PublicationItem.objects.filter(kind=Kind.SPOKESPERSON).count() == 2
    with pytest.raises(ValidationError, match="hiệu lực từ ngày này"):
        services.contact_create(
            actor=None, agency=district.committee, kind=UnitContact.Kind.SPOKESPERSON, name="X",
            phone="0235 3880 002", valid_from=D(2024, 1, 1),
        )  # fmt: skip


def test_one_stop_desk_contact_opens_no_item(district, calendar):
    services.contact_create(
        actor=None, agency=district.desk_a, kind=UnitContact.Kind.ONE_STOP_DESK, name="Bộ phận Một cửa",
        phone="0235 3880 100", valid_from=D(2024, 1, 2),
    )  # fmt: skip
    assert not PublicationItem.objects.exists()


def test_spokesperson_without_phone_or_email_is_refused(district, calendar):
    with pytest.raises(ValidationError, match="điện thoại"):
        services.contact_create(
            actor=None, agency=district.committee, kind=UnitContact.Kind.SPOKESPERSON, name="Lê Thị Hoa",
            valid_from=D(2024, 2, 7),
        )  # fmt: skip
    assert not UnitContact.objects.exists()


def test_an_announcing_decision_creates_a_listing_item_for_each_unit_handling_the_procedure(db):
    """§8.2 procedure_listing: decision date + 5 working days, one item per unit and decision."""
    import datetime as dt

    from minhbach.core.workdays.seed import seed_years
    from minhbach.disclosure.models import Kind, PublicationItem
    from minhbach.procedures.models import ProcedureAssignment
    from minhbach.procedures.tests.factories import make_procedure
    from minhbach.units.models import Agency
    from minhbach.units.tests.factories import make_agency

    seed_years([2024])
    desk = make_agency(name="Một cửa xã Thử", kind=Agency.Kind.ONE_STOP_DESK)
    other = make_agency(name="Một cửa xã Khác", kind=Agency.Kind.ONE_STOP_DESK)
    first = make_procedure("1.000100", decision="100/QĐ-UBND")
    ProcedureAssignment.objects.create(procedure=first.procedure, agency=desk, valid_from=dt.date(2020, 1, 1))
    second = make_procedure("1.000101", decision="100/QĐ-UBND")
    ProcedureAssignment.objects.create(
        procedure=second.procedure, agency=desk, valid_from=dt.date(2020, 1, 1)
    )
    # A new decision (version) for both procedures at the desk: one item for the desk, none elsewhere.
    signed = {"decision_signed_on": dt.date(2024, 2, 5), "valid_from": dt.date(2024, 3, 1)}
    make_procedure("1.000100", decision="245/QĐ-UBND", name="Thủ tục đã sửa đổi", **signed)
    make_procedure("1.000101", decision="245/QĐ-UBND", name="Thủ tục khác đã sửa đổi", **signed)
    items = PublicationItem.objects.filter(kind=Kind.PROCEDURE_LISTING, trigger_ref="decision:245/QĐ-UBND")
    assert [i.agency for i in items] == [desk]
    assert not PublicationItem.objects.filter(agency=other).exists()
    # Signed Mon 05/02/2024; 5 working days with Tết (08–14/02) skipped: 06, 07, 15, 16, 19/02.
    assert items.get().due_at == dt.date(2024, 2, 19)
