"""Every write of the publication register, the contacts and the portal articles (DOMAIN.md §8).

Services are keyword-only and atomic and write one ledger entry per change. Bad input raises a
``ValidationError`` with a Vietnamese message and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.core.text import fold
from minhbach.core.workdays import engine
from minhbach.disclosure import rules, uploads
from minhbach.disclosure.models import (
    Article,
    ArticleAttachment,
    Channel,
    Kind,
    PublicationItem,
    UnitContact,
)
from minhbach.units.models import Agency


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _moment(value: dt.datetime | dt.date) -> dt.datetime:
    """A trigger given as a date happens at the start of that local day."""
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            raise ValidationError(_("Thời điểm phải có múi giờ."))
        return value
    return dt.datetime.combine(value, dt.time(0), tzinfo=timezone.get_default_timezone())


def _local_day(moment: dt.datetime) -> dt.date:
    return engine.to_local(moment).date()


def _record(action: str, obj: Any, *, actor: Any, agency: Agency, payload: dict[str, Any]) -> None:
    ledger.record(
        actor=actor, action=f"disclosure.{action}", obj=obj, unit_code=agency.electronic_code, payload=payload
    )


# --- Register of items due (§8.2) ----------------------------------------------------------------


@transaction.atomic
def item_from_trigger(
    *,
    actor: Any,
    agency: Agency,
    kind: str,
    title: str,
    trigger_kind: str,
    trigger_ref: str,
    trigger_at: dt.datetime | dt.date,
    legal_basis: str = "",
    due_at: dt.date | None = None,
    evidence: str = "",
    ledgered: bool = True,
) -> PublicationItem:
    """Create the register item a trigger calls for, with its due date from the rule set.

    Idempotent on ``(agency, kind, trigger_ref)``: the same trigger fired twice returns the item
    created the first time and writes nothing. ``due_at`` is taken only for kind ``other``
    (the unit's own plan gives the date); every other kind follows its rule (§8.2 table).
    ``ledgered=False`` only when the trigger's own ledger entry already records the event in the
    same transaction (the feedback approval): the item is derived from it, one event, one entry.
    """
    if kind not in Kind.values:
        raise ValidationError(_("Loại thông tin công khai không hợp lệ."))
    title, trigger_ref, trigger_kind = title.strip(), trigger_ref.strip(), trigger_kind.strip()
    if not title:
        raise ValidationError(_("Vui lòng nhập tiêu đề thông tin phải công khai."))
    if not trigger_ref or not trigger_kind:
        raise ValidationError(_("Vui lòng nêu căn cứ phát sinh (loại và số hiệu văn bản, sự kiện)."))
    if trigger_at is None:
        raise ValidationError(_("Vui lòng nhập ngày phát sinh."))
    existing = PublicationItem.objects.filter(agency=agency, kind=kind, trigger_ref=trigger_ref).first()
    if existing is not None:
        return existing
    moment = _moment(trigger_at)
    day = _local_day(moment)
    rule = rules.rule_for(kind, day)
    computed = rules.due_date(rule, day, agency=agency)
    if computed is None:
        if due_at is None:
            raise ValidationError(_("Thông tin loại “Khác” cần nhập hạn công khai theo kế hoạch của đơn vị."))
        if due_at < day:
            raise ValidationError(_("Hạn công khai không được trước ngày phát sinh."))
        computed = due_at
    item = PublicationItem(
        agency=agency, kind=kind, title=title[:255],
        legal_basis=(legal_basis or rule.get("legal_basis", ""))[:255],
        trigger_kind=trigger_kind[:32], trigger_ref=trigger_ref[:120], trigger_at=moment, due_at=computed,
        due_rule=rule, evidence=evidence, created_by=_actor(actor),
    )  # fmt: skip
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # A concurrent trigger won the race: its row is the item.
        return PublicationItem.objects.get(agency=agency, kind=kind, trigger_ref=trigger_ref)
    if not ledgered:
        return item
    _record(
        "item_create", item, actor=actor, agency=agency,
        payload={"kind": kind, "trigger_ref": item.trigger_ref, "trigger_at": moment, "due_at": computed,
                 "rule": rule},
    )  # fmt: skip
    return item


def _clean_channels(channels: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(channels or []))
    if not chosen:
        raise ValidationError(_("Vui lòng chọn ít nhất một hình thức công khai."))
    if any(c not in Channel.values for c in chosen):
        raise ValidationError(_("Hình thức công khai không hợp lệ."))
    return chosen


@transaction.atomic
def item_publish(
    *,
    actor: Any,
    item: PublicationItem,
    published_at: dt.datetime | dt.date,
    url: str = "",
    channels: Iterable[str] = (Channel.PORTAL,),
    evidence: str = "",
    ledgered: bool = True,
) -> PublicationItem:
    """Record when and where an item was made public (the evidence of criterion C1, §8.3).

    ``ledgered=False``: as for :func:`item_from_trigger`, when the caller's entry records the event.
    """
    chosen = _clean_channels(channels)
    moment = _moment(published_at)
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("Thời điểm công khai không được ở tương lai."))
    item = PublicationItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
    if item.published_at is not None:
        raise ValidationError(_("Thông tin này đã được ghi nhận công khai."))
    if _local_day(moment) < _local_day(item.trigger_at):
        raise ValidationError(_("Thời điểm công khai không được trước ngày phát sinh."))
    if Channel.PORTAL in chosen and not url.strip():
        raise ValidationError(_("Công khai trên cổng thông tin cần có đường dẫn."))
    item.published_at, item.url, item.channels = moment, url.strip()[:500], chosen
    if evidence.strip():
        item.evidence = evidence.strip()
    item.save(update_fields=["published_at", "url", "channels", "evidence"])
    on_time = _local_day(moment) <= item.due_at
    if not ledgered:
        return item
    _record(
        "item_publish", item, actor=actor, agency=item.agency,
        payload={"published_at": moment, "url": item.url, "channels": chosen, "due_at": item.due_at,
                 "on_time": on_time},
    )  # fmt: skip
    return item


# --- Feedback hooks (called from minhbach.feedback.services, NĐ 20/2008 Điều 19) -----------------


def _feedback_ref(feedback: Any) -> str:
    return f"feedback:{feedback.code}"


def on_feedback_approved(*, actor: Any, feedback: Any) -> PublicationItem:
    """An approved answer must be public within 2 working days (D7, §8.2 ``feedback_answer``)."""
    return item_from_trigger(
        actor=actor,
        agency=feedback.agency,
        kind=Kind.FEEDBACK_ANSWER,
        title=_("Trả lời phản ánh, kiến nghị %(code)s") % {"code": feedback.code},
        trigger_kind="feedback",
        trigger_ref=_feedback_ref(feedback),
        trigger_at=feedback.approved_at or feedback.published_at,
        ledgered=False,  # the ``feedback.approve`` ledger entry is the record of this trigger
    )


def on_feedback_published(*, actor: Any, feedback: Any) -> PublicationItem:
    """Mark the answer's register item published (creating it if the approval predates the register)."""
    item = PublicationItem.objects.filter(
        agency=feedback.agency, kind=Kind.FEEDBACK_ANSWER, trigger_ref=_feedback_ref(feedback)
    ).first()
    if item is None:
        item = on_feedback_approved(actor=actor, feedback=feedback)
    if item.published_at is not None:
        return item
    return item_publish(
        actor=actor,
        item=item,
        published_at=feedback.published_at,
        url=reverse("feedback-public:detail", kwargs={"code": feedback.code}),
        channels=[Channel.PORTAL],
        ledgered=False,  # recorded by the ``feedback.publish`` ledger entry
    )


# --- Unit contacts (§8.4) -----------------------------------------------------------------------

_CONTACT_TRIGGER = {
    UnitContact.Kind.SPOKESPERSON: Kind.SPOKESPERSON,
    UnitContact.Kind.PAKN_RECEPTION: Kind.RECEPTION_CONTACT,
}


@transaction.atomic
def contact_create(
    *,
    actor: Any,
    agency: Agency,
    kind: str,
    name: str,
    valid_from: dt.date,
    title: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    website: str = "",
    office_hours: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    confirmed_at: dt.datetime | None = None,
) -> UnitContact:
    """Add a contact from ``valid_from``; the previous one of the same kind ends the day before.

    A new spokesperson (NĐ 09/2017/NĐ-CP) or PAKN reception address (NĐ 20/2008 Điều 13) is
    itself information to publish: it opens a register item due 5 working days after the
    assigning decision (or the start date when there is no decision).
    """
    if kind not in UnitContact.Kind.values:
        raise ValidationError(_("Loại đầu mối liên hệ không hợp lệ."))
    name = name.strip()
    if not name:
        raise ValidationError(_("Vui lòng nhập họ tên hoặc tên bộ phận."))
    if kind == UnitContact.Kind.SPOKESPERSON and not (phone.strip() or email.strip()):
        raise ValidationError(_("Người phát ngôn cần có điện thoại hoặc thư điện tử công vụ."))
    if decision_date and decision_date > valid_from:
        raise ValidationError(_("Ngày quyết định phân công không được sau ngày hiệu lực."))
    current = (
        UnitContact.objects.select_for_update()
        .filter(agency=agency, kind=kind, valid_to__isnull=True)
        .order_by("-valid_from")
    )
    for previous in current:
        if previous.valid_from >= valid_from:
            raise ValidationError(_("Đã có đầu mối cùng loại hiệu lực từ ngày này hoặc sau đó."))
        previous.valid_to = valid_from - dt.timedelta(days=1)
        previous.save(update_fields=["valid_to"])
    contact = UnitContact.objects.create(
        agency=agency, kind=kind, name=name, title=title.strip(), phone=phone.strip(), email=email.strip(),
        address=address.strip(), website=website.strip(), office_hours=office_hours.strip(),
        decision_number=decision_number.strip(), decision_date=decision_date, valid_from=valid_from,
        confirmed_at=confirmed_at or timezone.now(),
    )  # fmt: skip
    _record(
        "contact_create", contact, actor=actor, agency=agency,
        payload={"kind": kind, "name": name, "valid_from": valid_from, "decision": decision_number},
    )  # fmt: skip
    item_kind = _CONTACT_TRIGGER.get(kind)
    if item_kind is not None:
        if decision_number.strip():
            trigger_kind, ref = "decision", f"decision:{decision_number.strip()}"
        else:
            trigger_kind, ref = "contact", f"contact:{contact.pk}"
        item_from_trigger(
            actor=actor,
            agency=agency,
            kind=item_kind,
            title=_("%(kind)s: %(name)s") % {"kind": contact.get_kind_display(), "name": name},
            trigger_kind=trigger_kind,
            trigger_ref=ref,
            trigger_at=decision_date or valid_from,
        )
    return contact


@transaction.atomic
def contact_confirm(*, actor: Any, contact: UnitContact, at: dt.datetime | None = None) -> UnitContact:
    """The unit confirms the contact is still right (§8.4: at least once a quarter)."""
    contact = UnitContact.objects.select_for_update().select_related("agency").get(pk=contact.pk)
    contact.confirmed_at = at or timezone.now()
    contact.save(update_fields=["confirmed_at"])
    _record("contact_confirm", contact, actor=actor, agency=contact.agency,
            payload={"confirmed_at": contact.confirmed_at})  # fmt: skip
    return contact


# --- Portal articles ----------------------------------------------------------------------------


def _unique_slug(title: str, instance_pk: int | None = None) -> str:
    base = slugify(title.replace("Đ", "D").replace("đ", "d"))[:100] or "bai-viet"
    slug = base
    while Article.objects.filter(slug=slug).exclude(pk=instance_pk).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


@transaction.atomic
def article_save(
    *,
    actor: Any,
    agency: Agency,
    category: str,
    title: str,
    summary: str = "",
    body: str = "",
    published_at: dt.datetime | None = None,
    publication_item: PublicationItem | None = None,
    article: Article | None = None,
    files: Iterable[Any] = (),
    slug: str = "",
) -> Article:
    """Create or edit an article, with its attachments; publishing it fulfils its register item.

    Every file is checked before anything is written (type by magic bytes, size): one bad file
    refuses the whole save.
    """
    files = list(files)
    for file in files:
        uploads.validate_upload(file)
    title = title.strip()
    if not title:
        raise ValidationError(_("Vui lòng nhập tiêu đề."))
    if category not in Article.Category.values:
        raise ValidationError(_("Chuyên mục không hợp lệ."))
    if publication_item is not None and publication_item.agency_id != agency.pk:
        raise ValidationError(_("Thông tin phải công khai thuộc đơn vị khác."))
    created = article is None
    article = article or Article(agency=agency)
    article.agency, article.category, article.title = agency, category, title[:255]
    article.summary, article.body = summary.strip(), body.strip()
    article.published_at, article.publication_item = published_at, publication_item
    if created or not article.slug:
        article.slug = slug or _unique_slug(title)
    article.search_folded = fold(f"{title} {summary} {body}")
    article.save()
    for file in files:
        ArticleAttachment.objects.create(
            article=article, title=getattr(file, "original_name", file.name)[:255], file=file,
            content_type=file.content_type, size=file.size,
        )  # fmt: skip
    _record(
        "article_create" if created else "article_update", article, actor=actor, agency=agency,
        payload={"slug": article.slug, "category": category, "published_at": published_at,
                 "attachments": len(files), "item": publication_item.pk if publication_item else None},
    )  # fmt: skip
    if publication_item is not None and published_at is not None and publication_item.published_at is None:
        item_publish(
            actor=actor,
            item=publication_item,
            published_at=published_at,
            url=reverse("disclosure-public:article", kwargs={"slug": article.slug}),
            channels=[Channel.PORTAL],
        )
    return article


def on_procedure_announced(*, version: Any, actor: Any = None) -> list[PublicationItem]:
    """A decision announcing a procedure must be listed by every unit that handles it (§8.2).

    One ``procedure_listing`` item per unit and decision (a decision usually announces many
    procedures; the unit lists them together), due 5 working days after the decision
    (NĐ 63/2010 Điều 16–17, the ``vn-disclosure`` rule set). The decision date is its signing
    date, else its effective date, else the version's start.
    """
    from minhbach.procedures.models import ProcedureAssignment

    decision = version.decision
    day = decision.signed_on or decision.effective_from or version.valid_from or dt.date.today()
    assignments = (
        ProcedureAssignment.objects.filter(procedure_id=version.procedure_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("agency")
    )
    return [
        item_from_trigger(
            actor=actor,
            agency=assignment.agency,
            kind=Kind.PROCEDURE_LISTING,
            title=_("Niêm yết thủ tục hành chính theo Quyết định %(number)s") % {"number": decision.number},
            trigger_kind="decision",
            trigger_ref=f"decision:{decision.number}",
            trigger_at=day,
        )
        for assignment in assignments
    ]
