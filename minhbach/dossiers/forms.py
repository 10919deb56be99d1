"""Forms of the dossier back office: desk reception and the transition actions.

Forms only validate and normalise what was typed; every write goes through ``services``.
Messages are Vietnamese (the default language) and marked for translation.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minhbach.dossiers.models import Applicant
from minhbach.dossiers.services import ApplicantData, FeeCharge, SubmittedDocument
from minhbach.procedures.models import Channel, ProcedureDocument

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

_SEPARATORS = re.compile(r"[\s.\-()]")
#: Mobile numbers (03x, 05x, 07x, 08x, 09x; 10 digits) and landlines (02xx…; 11 digits) after
#: the 2018 renumbering; +84 / 84 is the country prefix of the leading 0.
_PHONE = re.compile(r"^(0[35789]\d{8}|02\d{9})$")
_CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")


def normalise_phone(value: str) -> str:
    """``+84 905.123.456`` → ``0905123456``; raises ``ValidationError`` if not a Vietnamese number."""
    digits = _SEPARATORS.sub("", value or "")
    if not digits:
        return ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not _PHONE.match(digits):
        raise ValidationError(
            gettext(
                "Số điện thoại không hợp lệ: di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09; "
                "cố định gồm 11 chữ số bắt đầu bằng 02 (có thể viết +84)."
            )
        )
    return digits


def normalise_citizen_id(value: str) -> str:
    digits = re.sub(r"\s", "", value or "")
    if digits and not _CITIZEN_ID.match(digits):
        raise ValidationError(
            gettext("Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với chứng minh nhân dân cũ).")
        )
    return digits


class ReceptionPickForm(forms.Form):
    """GET part of the reception screen: the desk and the procedure search (reloads the page)."""

    don_vi = forms.ChoiceField(label=_("Nơi tiếp nhận"), required=False)
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=200)
    thu_tuc = forms.ChoiceField(label=_("Thủ tục"), required=False)

    def __init__(self, *args: Any, desks: list[tuple[str, str]], procedures: list[tuple[str, str]], **kw):
        super().__init__(*args, **kw)
        self.fields["don_vi"].choices = desks
        self.fields["thu_tuc"].choices = [("", gettext("— chọn thủ tục —")), *procedures]
        self.fields["don_vi"].widget.attrs.update({"accesskey": "d"})
        self.fields["q"].widget.attrs.update(
            {
                "accesskey": "t",
                "placeholder": gettext("Tên hoặc mã thủ tục, có thể gõ không dấu"),
                "type": "search",
            }
        )
        self.fields["thu_tuc"].widget.attrs.update({"accesskey": "c"})


class ReceptionForm(forms.Form):
    """POST part: channel, checklist, applicant, fees, and which of the two buttons was pressed.

    Document fields are built from the checklist of the procedure version (``doc_<id>``,
    ``doc_<id>_originals``, ``doc_<id>_copies``) and fee fields from its fee lines
    (``fee_<n>_name``, ``fee_<n>_amount``).
    """

    ACCEPT, SUPPLEMENT = "accept", "supplement"

    action = forms.ChoiceField(
        choices=[(ACCEPT, _("Tiếp nhận")), (SUPPLEMENT, _("Yêu cầu bổ sung"))],
        error_messages={"required": _("Hãy chọn Tiếp nhận hoặc Yêu cầu bổ sung.")},
    )
    channel = forms.TypedChoiceField(
        label=_("Kênh nộp"),
        coerce=int,
        error_messages={"invalid_choice": _("Thủ tục này không thực hiện qua kênh đã chọn.")},
    )
    subject = forms.CharField(label=_("Nội dung yêu cầu"), required=False, max_length=500)
    kind = forms.ChoiceField(label=_("Loại"), choices=Applicant.Kind.choices, initial=Applicant.Kind.CITIZEN)
    full_name = forms.CharField(
        label=_("Họ và tên / tên tổ chức"),
        max_length=255,
        error_messages={"required": _("Chưa nhập họ và tên người nộp.")},
    )
    citizen_id = forms.CharField(label=_("Số định danh cá nhân"), required=False, max_length=20)
    phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=30)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=500)
    extra_missing = forms.CharField(
        label=_("Giấy tờ khác cần bổ sung (mỗi dòng một giấy tờ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    supplement_reason = forms.CharField(
        label=_("Lý do yêu cầu bổ sung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        documents: list[ProcedureDocument],
        fee_lines: list[tuple[str, int | None]],
        channels: list[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.documents = documents
        self.fee_count = len(fee_lines)
        self.fields["channel"].choices = [(c, Channel(c).label) for c in channels]
        self.fields["full_name"].widget.attrs.update({"autofocus": True, "accesskey": "h"})
        self.fields["citizen_id"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})
        for doc in documents:
            self.fields[f"doc_{doc.pk}"] = forms.BooleanField(label=doc.name, required=False)
            self.fields[f"doc_{doc.pk}_originals"] = forms.IntegerField(
                label=_("Bản chính"), min_value=0, max_value=99, required=False, initial=doc.originals or 0
            )
            self.fields[f"doc_{doc.pk}_copies"] = forms.IntegerField(
                label=_("Bản sao"), min_value=0, max_value=99, required=False, initial=doc.copies or 0
            )
        for n, (name, amount) in enumerate(fee_lines):
            self.fields[f"fee_{n}_name"] = forms.CharField(
                label=_("Loại phí, lệ phí"), max_length=255, required=False, initial=name
            )
            self.fields[f"fee_{n}_amount"] = forms.IntegerField(
                label=_("Số tiền (đồng)"),
                min_value=0,
                required=False,
                initial=amount,
                error_messages={"min_value": _("Số tiền phí, lệ phí không được âm.")},
            )

    def clean_citizen_id(self) -> str:
        return normalise_citizen_id(self.cleaned_data.get("citizen_id", ""))

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data.get("full_name", "").split())
        if not name:
            raise ValidationError(gettext("Chưa nhập họ và tên người nộp."))
        return name

    def applicant_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("full_name", "citizen_id", "phone", "email", "address", "kind")]

    def document_rows(self) -> list[dict[str, Any]]:
        """For the template: each checklist line with its three bound fields."""
        return [
            {
                "document": doc,
                "ticked": self[f"doc_{doc.pk}"],
                "originals": self[f"doc_{doc.pk}_originals"],
                "copies": self[f"doc_{doc.pk}_copies"],
            }
            for doc in self.documents
        ]

    def fee_rows(self) -> list[dict[str, Any]]:
        return [
            {"name": self[f"fee_{n}_name"], "amount": self[f"fee_{n}_amount"]} for n in range(self.fee_count)
        ]

    def missing(self) -> list[str]:
        data = self.cleaned_data
        names = [doc.name for doc in self.documents if not data.get(f"doc_{doc.pk}")]
        names += [line.strip() for line in data.get("extra_missing", "").splitlines() if line.strip()]
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        if action == self.ACCEPT:
            lacking = [d.name for d in self.documents if d.mandatory and not data.get(f"doc_{d.pk}")]
            if lacking:
                raise ValidationError(
                    gettext("Còn thiếu giấy tờ bắt buộc: %(names)s. Hãy chọn “Yêu cầu bổ sung”.")
                    % {"names": "; ".join(lacking)}
                )
        if action == self.SUPPLEMENT and not self.errors:
            if not self.missing():
                self.add_error(
                    "extra_missing",
                    gettext("Không có giấy tờ nào còn thiếu: bỏ đánh dấu giấy tờ chưa nộp hoặc ghi thêm."),
                )
            if not data.get("supplement_reason", "").strip():
                self.add_error("supplement_reason", gettext("Phải ghi lý do yêu cầu bổ sung."))
        return data

    def owner(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            full_name=data["full_name"],
            kind=data["kind"],
            citizen_id=data["citizen_id"],
            address=data["address"].strip(),
            phone=data["phone"],
            email=data["email"],
        )

    def submitted_documents(self) -> list[SubmittedDocument]:
        data = self.cleaned_data
        return [
            SubmittedDocument(
                name=doc.name,
                originals=data.get(f"doc_{doc.pk}_originals") or 0,
                copies=data.get(f"doc_{doc.pk}_copies") or 0,
                procedure_document_id=doc.pk,
            )
            for doc in self.documents
            if data.get(f"doc_{doc.pk}")
        ]

    def fee_charges(self) -> list[FeeCharge]:
        data = self.cleaned_data
        charges = []
        for n in range(self.fee_count):
            amount = data.get(f"fee_{n}_amount")
            if amount is None:
                continue
            name = (data.get(f"fee_{n}_name") or "").strip() or gettext("Lệ phí")
            charges.append(FeeCharge(name=name, amount_vnd=amount))
        return charges

    def supplement_items(self) -> list[dict[str, str]]:
        reason = gettext("Chưa nộp")
        return [{"name": name, "reason": reason} for name in self.missing()]


#: Actions whose service requires a reason (the services raise otherwise).
REASON_REQUIRED = frozenset(
    {"refuse", "stop", "withdraw", "request_supplement_before", "request_supplement_after", "extension"}
)
SUPPLEMENT_ACTIONS = frozenset({"request_supplement_before", "request_supplement_after"})
AGENCY_ACTIONS = frozenset({"transfer", "hand_over"})


class ActionForm(forms.Form):
    """One transition on the dossier page; fields depend on the action."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    items = forms.CharField(
        label=_("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ; có thể ghi “tên: lý do”)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_due_on = forms.DateField(
        label=_("Ngày hẹn trả mới (ngày/tháng/năm)"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm.")},
    )
    agency = forms.ChoiceField(label=_("Chuyển đến đơn vị"), required=False)

    def __init__(self, *args: Any, action: str, agencies: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.action = action
        if action not in SUPPLEMENT_ACTIONS:
            del self.fields["items"]
        if action != "extension":
            del self.fields["new_due_on"]
        if action == "hand_over":
            # A hand-over always names the next agency (the service refuses one without it).
            self.fields["agency"].choices = [("", gettext("— chọn đơn vị —")), *(agencies or [])]
            self.fields["agency"].required = True
            self.fields["agency"].label = _("Chuyển cho đơn vị")
            self.fields["agency"].error_messages["required"] = gettext(
                "Phải chọn cơ quan, đơn vị nhận hồ sơ."
            )
        elif action in AGENCY_ACTIONS:
            self.fields["agency"].choices = [("", gettext("— giữ nguyên —")), *(agencies or [])]
        else:
            del self.fields["agency"]
        if action in REASON_REQUIRED:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Lý do")
            self.fields["reason"].error_messages["required"] = gettext("Phải ghi rõ lý do.")
        if action == "extension":
            self.fields["new_due_on"].required = True
            self.fields["new_due_on"].error_messages["required"] = gettext("Phải chọn ngày hẹn trả mới.")
        if action in SUPPLEMENT_ACTIONS:
            self.fields["items"].required = True
            self.fields["items"].error_messages["required"] = gettext(
                "Phải liệt kê đầy đủ các giấy tờ cần bổ sung."
            )

    def supplement_items(self) -> list[dict[str, str]]:
        items = []
        for line in self.cleaned_data.get("items", "").splitlines():
            name, _sep, why = line.partition(":")
            if name.strip():
                items.append({"name": name.strip(), "reason": why.strip()})
        return items
