"""An approved PAKN answer opens a register item (+2 working days); publishing it fulfils the item."""

from __future__ import annotations

import datetime as dt

from minhbach.core.models import LedgerEntry
from minhbach.disclosure import selectors
from minhbach.disclosure.models import Kind, PublicationItem
from minhbach.disclosure.tests.conftest import at
from minhbach.feedback import services as feedback


def _approved(agency, when: str):
    item = feedback.feedback_receive(
        actor=None, agency=agency, channel="minhbach", text="Đường vào thôn 2 sạt lở.",
        received_at=at("2024-02-01 09:00"),
        sender=feedback.Sender(name="Hồ Văn Nam", address="Thôn 2", phone="0905000111"),
    )  # fmt: skip
    for step, kwargs in (("start_handling", {}), ("submit_answer", {"answer": "Đã cử đoàn kiểm tra."})):
        item = getattr(feedback, f"feedback_{step}")(
            actor=None, feedback=item, at=at("2024-02-02 09:00"), **kwargs
        )
    return feedback.feedback_approve(actor=None, feedback=item, at=at(when))


def test_approval_opens_the_item_and_publication_fulfils_it(district, calendar):
    item = _approved(district.commune_a, "2024-02-07 15:00")
    register = PublicationItem.objects.get()
    assert register.kind == Kind.FEEDBACK_ANSWER
    assert register.trigger_ref == f"feedback:{item.code}"
    assert register.due_at == dt.date(2024, 2, 16)  # Tết 08–14/02, then 15 and 16
    assert register.published_at is None
    before = LedgerEntry.objects.count()
    feedback.feedback_publish(
        actor=None, feedback=item, question_redacted="Đường vào thôn sạt lở.", at=at("2024-02-15 10:00")
    )
    register.refresh_from_db()
    assert register.published_at == at("2024-02-15 10:00")
    assert register.url == f"/phan-anh/{item.code}/"
    assert register.channels == ["portal"]
    # The feedback's own ledger entry records the event: one entry for one state change.
    assert LedgerEntry.objects.count() == before + 1
    rate = selectors.on_time_rate(district.commune_a, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (rate.numerator, rate.denominator) == (1, 1)


def test_late_publication_counts_against_c1(district, calendar):
    item = _approved(district.commune_a, "2024-02-07 15:00")
    feedback.feedback_publish(
        actor=None, feedback=item, question_redacted="Đường vào thôn sạt lở.", at=at("2024-02-19 10:00")
    )
    rate = selectors.on_time_rate(district.commune_a, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (rate.numerator, rate.denominator) == (0, 1)
