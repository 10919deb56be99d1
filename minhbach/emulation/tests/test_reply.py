"""Right of reply (DOMAIN.md §10.9): window on the working-day calendar, objections, decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minhbach.core.models import LedgerEntry
from minhbach.emulation import reply
from minhbach.emulation.models import ManualValue, Objection
from minhbach.emulation.tests.conftest import standing

TZ = timezone.get_current_timezone()


@pytest.fixture
def ranked(world, engine_values):
    """A 80, B 90, C 95 on C1: scores 93, 94, 94.5, so C and B are proposed, A is third."""
    a, b, c = world.units
    world.set(a, C1=80)
    world.set(b, C1=90)
    world.set(c, C1=95)
    return world.evaluate(seed="s")


def test_window_counts_five_working_days_over_the_weekend(world, ranked):
    friday = dt.datetime(2024, 12, 6, 10, 0, tzinfo=TZ)
    window = reply.reply_window_open(actor=None, review=world.review, at=friday)
    # Day zero Friday 6/12; Mon 9 … Fri 13 are the five working days.
    assert window.working_days == 5 and window.last_day == dt.date(2024, 12, 13)
    assert window.is_open(dt.datetime(2024, 12, 13, 23, 59, tzinfo=TZ))
    assert not window.is_open(dt.datetime(2024, 12, 14, 0, 0, tzinfo=TZ))
    with pytest.raises(ValidationError, match="đang trong thời hạn phản hồi"):
        reply.reply_window_open(actor=None, review=world.review, at=friday)


def test_window_needs_an_evaluation(world):
    with pytest.raises(ValidationError, match="chưa được tính điểm"):
        reply.reply_window_open(actor=None, review=world.review)


def test_accepted_objection_overrides_and_reranks(world, ranked):
    a, b, c = world.units
    assert [standing(ranked, agency=u).proposed for u in (a, b, c)] == [False, True, True]
    reply.reply_window_open(actor=None, review=world.review)
    objection = reply.objection_file(
        actor=None,
        review=world.review,
        agency=a,
        criterion_code="C1",
        text="Đơn vị đã công khai đủ 100% nhưng trang thông tin chưa đồng bộ.",
    )
    decided = reply.objection_decide(
        actor=None, objection=objection, accept=True, reason="Đã kiểm tra trang thông tin.", value="100"
    )
    assert decided.status == Objection.Status.ACCEPTED
    mv = ManualValue.objects.get()
    assert mv.value == Decimal(100) and "Đã kiểm tra" in mv.reason and mv.agency == a
    new = decided.reevaluation
    assert new.version == 2 and "phản hồi" in new.reason and new.draw_seed == "s"
    assert standing(new, agency=a).score == Decimal("95.0000") and standing(new, agency=a).rank == 1
    assert [standing(new, agency=u).proposed for u in (a, b, c)] == [True, False, True]
    c1 = new.criterion_results.get(criterion__code="C1", agency=a)
    assert c1.value == Decimal(100) and c1.computed_value == Decimal(80) and c1.override_id == mv.pk
    actions = list(LedgerEntry.objects.values_list("action", flat=True))
    assert "emulation.objection_file" in actions and "emulation.objection_accepted" in actions


def test_rejected_objection_needs_a_reason_and_changes_nothing(world, ranked):
    a = world.units[0]
    reply.reply_window_open(actor=None, review=world.review)
    objection = reply.objection_file(
        actor=None, review=world.review, agency=a, criterion_code="K1", text="Sai"
    )
    with pytest.raises(ValidationError, match="lý do"):
        reply.objection_decide(actor=None, objection=objection, accept=False, reason=" ")
    done = reply.objection_decide(actor=None, objection=objection, accept=False, reason="Số liệu đúng.")
    assert done.status == Objection.Status.REJECTED and done.reevaluation is None
    assert world.review.evaluations.count() == 1 and not ManualValue.objects.exists()
    with pytest.raises(ValidationError, match="đã được xem xét"):
        reply.objection_decide(actor=None, objection=objection, accept=True, reason="x", value=1)


def test_objections_outside_the_window_are_refused(world, ranked):
    a = world.units[0]
    kwargs = {"actor": None, "review": world.review, "agency": a, "criterion_code": "C1", "text": "Sai"}
    with pytest.raises(ValidationError, match="Chưa mở thời hạn phản hồi"):
        reply.objection_file(**kwargs)
    window = reply.reply_window_open(actor=None, review=world.review)
    with pytest.raises(ValidationError, match="Đã hết thời hạn phản hồi"):
        reply.objection_file(**kwargs, at=window.closes_at)
    reply.reply_window_close(actor=None, window=window)
    with pytest.raises(ValidationError, match="Đã hết thời hạn phản hồi"):
        reply.objection_file(**kwargs)
    assert not Objection.objects.exists()


def test_objection_targets_must_belong_to_the_unit(world, ranked):
    a = world.units[0]
    reply.reply_window_open(actor=None, review=world.review)
    with pytest.raises(ValidationError, match="Không có tiêu chí"):
        reply.objection_file(actor=None, review=world.review, agency=a, criterion_code="P1", text="x")
    with pytest.raises(ValidationError, match="Dòng minh chứng"):
        reply.objection_file(
            actor=None,
            review=world.review,
            agency=a,
            criterion_code="K6",
            text="x",
            evidence_ref="discipline:1",
        )


def test_publish_waits_for_the_window_and_the_pending_objections(world, ranked):
    a = world.units[0]
    with pytest.raises(ValidationError, match="lấy ý kiến phản hồi"):
        reply.review_publish(actor=None, review=world.review)
    window = reply.reply_window_open(actor=None, review=world.review)
    objection = reply.objection_file(actor=None, review=world.review, agency=a, criterion_code="C1", text="x")
    with pytest.raises(ValidationError, match="Chưa hết thời hạn"):
        reply.review_publish(actor=None, review=world.review)
    reply.reply_window_close(actor=None, window=window)
    with pytest.raises(ValidationError, match="chưa được xem xét"):
        reply.review_publish(actor=None, review=world.review)
    reply.objection_decide(actor=None, objection=objection, accept=False, reason="Đúng số liệu.")
    review = reply.review_publish(actor=None, review=world.review)
    assert review.published_at is not None and review.status == "published"
    with pytest.raises(ValidationError, match="đã công bố"):
        world.evaluate(reason="thử")


def test_objection_on_an_evidence_row_with_an_attachment(world, engine_values, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minhbach.accounts.tests.factories import make_official
    from minhbach.emulation import services
    from minhbach.emulation.models import DisciplineCase

    settings.MEDIA_ROOT = tmp_path
    a = world.units[0]
    case = services.discipline_case_record(
        actor=None,
        official=make_official(a),
        agency=a,
        status=DisciplineCase.Status.DECIDED,
        form="reprimand",
        decided_on=dt.date(2024, 2, 1),
    )
    world.evaluate()
    reply.reply_window_open(actor=None, review=world.review)
    objection = reply.objection_file(
        actor=None,
        review=world.review,
        agency=a,
        criterion_code="K6",
        evidence_ref=f"discipline:{case.pk}",
        text="Quyết định kỷ luật đã được hủy bởi Quyết định 3/QĐ-UBND.",
        attachment=SimpleUploadedFile("qd-huy.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )
    assert objection.evidence_ref == f"discipline:{case.pk}" and objection.attachment.name.endswith(".pdf")
    decided = reply.objection_decide(
        actor=None, objection=objection, accept=True, value=0, reason="Kỷ luật đã bị hủy; K6 không vướng."
    )
    assert standing(decided.reevaluation, agency=a).eligible
