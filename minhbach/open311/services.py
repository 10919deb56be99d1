"""Writes of the Open311 interface: API clients and PAKN submitted through the API.

Every write is keyword-only, atomic and leaves a ledger entry. A PAKN is registered by
``minhbach.feedback.services.feedback_receive`` (NĐ 20/2008/NĐ-CP Điều 9), exactly like one typed
on the citizen page; this module only translates the GeoReport v2 fields and records which client
relayed it.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.dossiers.models import Dossier
from minhbach.feedback import services as feedback_services
from minhbach.feedback.models import Category, Feedback, SenderKind
from minhbach.open311.models import API_CHANNELS, ApiClient, key_digest
from minhbach.procedures.models import Procedure
from minhbach.units.models import Agency

KEY_BYTES = 32
MAX_DESCRIPTION = 20_000
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,30}$")


class SubmissionError(ValidationError):
    """Bad input of a POST: the messages are returned to the client as 400 errors."""


def _clean(value: Any) -> str:
    return str(value or "").strip()


@transaction.atomic
def api_client_create(
    *, actor: Any, name: str, agency: Agency, channel: str = API_CHANNELS[0]
) -> tuple[ApiClient, str]:
    """Create a client and return it with its key; the key is never stored, only its SHA-256."""
    name = _clean(name)
    if not name:
        raise ValidationError(_("Tên ứng dụng không được để trống."))
    if len(name) > ApiClient._meta.get_field("name").max_length:
        raise ValidationError(_("Tên ứng dụng quá dài."))
    if channel not in API_CHANNELS:
        raise ValidationError(_("Kênh tiếp nhận không hợp lệ cho ứng dụng Open311."))
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationError(_("Đã có ứng dụng tên “%(name)s”.") % {"name": name})
    key = secrets.token_urlsafe(KEY_BYTES)
    client = ApiClient.objects.create(name=name, key_digest=key_digest(key), agency=agency, channel=channel)
    ledger.record(
        actor=actor,
        action="open311.client_create",
        obj=client,
        unit_code=agency.electronic_code,
        payload={"name": name, "agency": agency.slug, "channel": channel},
    )
    return client, key


@transaction.atomic
def api_client_set_active(*, actor: Any, client: ApiClient, active: bool) -> ApiClient:
    """Switch a client on or off (a leaked key is revoked by switching its client off)."""
    ApiClient.objects.filter(pk=client.pk).update(active=active)
    client.active = active
    ledger.record(
        actor=actor,
        action="open311.client_activate" if active else "open311.client_deactivate",
        obj=client,
        unit_code=client.agency.electronic_code,
        payload={"name": client.name},
    )
    return client


def authenticate(key: str) -> ApiClient | None:
    """The active client holding ``key``, or ``None``."""
    key = _clean(key)
    if not key:
        return None
    return ApiClient.objects.select_related("agency").filter(key_digest=key_digest(key), active=True).first()


@dataclasses.dataclass
class Submission:
    """The GeoReport v2 fields of a POST /requests, already read from the form."""

    service_code: str = ""
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    address_string: str = ""
    attributes: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def sender_name(self) -> str:
        # Vietnamese order: family name (last_name) then given name (first_name): "Nguyễn Thị" + "Mai".
        return " ".join(part for part in (_clean(self.last_name), _clean(self.first_name)) if part)


def _max(value: str, field: str, errors: list[str], label: str) -> None:
    limit = Feedback._meta.get_field(field).max_length
    if len(value) > limit:
        errors.append(_("%(label)s dài quá %(limit)d ký tự.") % {"label": label, "limit": limit})


def _resolve(submission: Submission, client: ApiClient, errors: list[str]) -> dict[str, Any]:
    attrs = {k: _clean(v) for k, v in submission.attributes.items()}
    resolved: dict[str, Any] = {"agency": client.agency, "procedure": None, "dossier": None}
    if slug := attrs.get("agency"):
        agency = Agency.objects.valid_on(timezone.localdate()).filter(slug=slug).first()
        if agency is None:
            errors.append(_("Không có cơ quan, đơn vị “%(slug)s”.") % {"slug": slug[:80]})
        resolved["agency"] = agency
    if code := attrs.get("procedure_code"):
        resolved["procedure"] = Procedure.objects.filter(code=code).first()
        if resolved["procedure"] is None:
            errors.append(_("Không có thủ tục hành chính mã “%(code)s”.") % {"code": code[:40]})
    if code := attrs.get("dossier_code"):
        resolved["dossier"] = Dossier.objects.filter(code=code).first()
        if resolved["dossier"] is None:
            errors.append(_("Không có hồ sơ mã “%(code)s”.") % {"code": code[:64]})
    kind = attrs.get("sender_kind") or SenderKind.PERSON
    if kind not in SenderKind.values:
        errors.append(_("Loại người gửi không hợp lệ."))
    resolved["kind"] = kind
    return resolved


def validate(submission: Submission, client: ApiClient) -> tuple[dict[str, Any], list[str]]:
    """All the problems of a submission at once (Vietnamese messages), and the resolved objects."""
    errors: list[str] = []
    if not submission.service_code:
        errors.append(_("Thiếu mã dịch vụ (service_code)."))
    elif submission.service_code not in Category.values:
        errors.append(_("Mã dịch vụ “%(code)s” không tồn tại.") % {"code": submission.service_code[:40]})
    description = _clean(submission.description)
    if not description:
        errors.append(_("Nội dung phản ánh (description) không được để trống."))
    elif len(description) > MAX_DESCRIPTION:
        errors.append(_("Nội dung phản ánh dài quá %(limit)d ký tự.") % {"limit": MAX_DESCRIPTION})
    _max(submission.sender_name, "sender_name", errors, _("Họ tên"))
    _max(_clean(submission.address_string), "sender_address", errors, _("Địa chỉ"))
    if email := _clean(submission.email):
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("Địa chỉ thư điện tử không hợp lệ."))
    if (phone := _clean(submission.phone)) and not _PHONE.match(phone):
        errors.append(_("Số điện thoại không hợp lệ."))
    resolved = _resolve(submission, client, errors)
    return resolved, errors


@transaction.atomic
def request_submit(*, client: ApiClient, submission: Submission) -> Feedback:
    """Register a PAKN relayed by an API client (NĐ 20/2008 Điều 6: a data message is "in writing").

    The agency is the ``agency`` attribute (an agency slug) when given, else the client's default
    agency. A submission without any sender field is anonymous and, like one from the citizen page,
    kept as information only (Điều 7). Raises ``SubmissionError`` with every problem found; nothing
    is written then.
    """
    resolved, errors = validate(submission, client)
    if errors:
        raise SubmissionError(errors)
    name, address = submission.sender_name, _clean(submission.address_string)
    phone, email = _clean(submission.phone), _clean(submission.email)
    anonymous = not any((name, address, phone, email))
    try:
        feedback = feedback_services.feedback_receive(
            actor=None,
            agency=resolved["agency"],
            channel=client.channel,
            text=_clean(submission.description),
            category=submission.service_code,
            sender=feedback_services.Sender(
                name=name,
                address=address,
                phone=phone,
                email=email,
                kind=resolved["kind"],
                anonymous=anonymous,
            ),
            procedure=resolved["procedure"],
            dossier=resolved["dossier"],
        )
    except ValidationError as exc:
        raise SubmissionError(exc.messages) from exc
    ledger.record(
        actor=None,
        action="open311.request_submit",
        obj=feedback,
        unit_code=resolved["agency"].electronic_code,
        payload={"code": feedback.code, "client": client.name, "client_id": client.pk},
    )
    return feedback
