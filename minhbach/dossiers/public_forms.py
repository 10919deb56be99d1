"""Forms of the citizen pages: online submission and public lookup.

Everything the registration service would refuse is checked here first, with a Vietnamese
message, so that a bad submission is answered with the form again and nothing is written.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minhbach.dossiers import uploads
from minhbach.procedures.models import ProcedureDocument

CITIZEN_ID_RE = re.compile(r"\d{9}|\d{12}")
# Mobile numbers: 10 digits 03x, 05x, 07x, 08x, 09x; landlines: 11 digits 02xx (since 2017).
PHONE_RE = re.compile(r"0[35789]\d{8}|02\d{9}")
PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]")
#: Shape of a dossier code: ``<agency electronic code>-YYMMDD-XXXX`` (TT 01/2018 Điều 19).
CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,63}")
LAST_DIGITS_RE = re.compile(r"\d{4}")


def normalise_phone(value: str) -> str:
    """ "+84 905.123.456" → "0905123456"; ``ValidationError`` if not a Vietnamese number."""
    digits = PHONE_SEPARATORS_RE.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not PHONE_RE.fullmatch(digits):
        raise ValidationError(
            _(
                "Số điện thoại không hợp lệ. Nhập số di động 10 chữ số (ví dụ 0905 123 456) "
                "hoặc số cố định 11 chữ số."
            ),
            code="phone",
        )
    return digits


def document_field_name(document: ProcedureDocument) -> str:
    return f"doc_{document.order}_{document.pk}"


class OnlineSubmissionForm(forms.Form):
    """Nộp hồ sơ trực tuyến: receiving agency, applicant, one file per document of the checklist.

    The desk still checks the dossier for completeness before accepting it (NĐ 61/2018/NĐ-CP
    Điều 15 khoản 2), so the form asks for at least one file rather than refusing a dossier the
    desk could complete with a supplement request.
    """

    agency = forms.ChoiceField(label=gettext_lazy("Nơi tiếp nhận hồ sơ"))
    full_name = forms.CharField(label=gettext_lazy("Họ và tên người nộp"), max_length=255)
    citizen_id = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (CCCD) hoặc số CMND"),
        max_length=12,
        help_text=gettext_lazy("12 chữ số (căn cước công dân) hoặc 9 chữ số (chứng minh nhân dân)."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại"),
        max_length=20,
        help_text=gettext_lazy("Dùng 4 số cuối để tra cứu hồ sơ."),
    )
    email = forms.EmailField(label=gettext_lazy("Thư điện tử (không bắt buộc)"), required=False)
    address = forms.CharField(label=gettext_lazy("Địa chỉ (không bắt buộc)"), max_length=500, required=False)
    subject = forms.CharField(
        label=gettext_lazy("Nội dung yêu cầu (không bắt buộc)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, agencies: list[tuple[str, str]], documents: list[ProcedureDocument], **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        self.fields["agency"].choices = agencies
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0][0]
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Nơi tiếp nhận đã chọn không nhận thủ tục này; hãy chọn lại."
        )
        self.fields["full_name"].error_messages["required"] = _("Phải nhập họ và tên.")
        self.fields["citizen_id"].error_messages["required"] = _("Phải nhập số định danh cá nhân.")
        self.fields["phone"].error_messages["required"] = _("Phải nhập số điện thoại.")
        self.fields["email"].error_messages["invalid"] = _("Địa chỉ thư điện tử không hợp lệ.")
        for document in documents:
            self.fields[document_field_name(document)] = forms.FileField(
                label=document.name,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )

    def document_fields(self) -> list[tuple[ProcedureDocument, forms.BoundField]]:
        return [(document, self[document_field_name(document)]) for document in self.documents]

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Phải nhập họ và tên."), code="required")
        return name

    def clean_citizen_id(self) -> str:
        value = re.sub(r"\s", "", self.cleaned_data["citizen_id"])
        if not CITIZEN_ID_RE.fullmatch(value):
            raise ValidationError(_("Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ)."))
        return value

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self) -> dict:
        data = super().clean()
        files = []
        for document in self.documents:
            name = document_field_name(document)
            upload = data.get(name)
            if not upload:
                continue
            try:
                uploads.validate_upload(upload)
            except ValidationError as error:
                self.add_error(name, error)
                continue
            files.append(upload)
        if not files and not any(self.has_error(document_field_name(d)) for d in self.documents):
            self.add_error(None, _("Phải đính kèm ít nhất một giấy tờ của hồ sơ."))
        try:
            uploads.validate_total(files)
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def attached(self) -> list[tuple[ProcedureDocument, object]]:
        """(checklist document, validated file) for each file attached, checklist order."""
        return [
            (document, self.cleaned_data[document_field_name(document)])
            for document in self.documents
            if self.cleaned_data.get(document_field_name(document))
        ]


class LookupForm(forms.Form):
    """Tra cứu hồ sơ: the code on the receipt and the last 4 digits of the phone given."""

    code = forms.CharField(
        label=gettext_lazy("Mã hồ sơ"),
        max_length=64,
        help_text=gettext_lazy("In trên giấy tiếp nhận, ví dụ 000.00.00.H00-240101-0001"),
    )
    digits = forms.CharField(
        label=gettext_lazy("4 số cuối số điện thoại đã khai khi nộp hồ sơ"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = _("Phải nhập mã hồ sơ.")
        self.fields["digits"].error_messages["required"] = _("Phải nhập 4 số cuối số điện thoại.")
        self.fields["digits"].error_messages["min_length"] = _("Nhập đúng 4 chữ số.")
        self.fields["digits"].error_messages["max_length"] = _("Nhập đúng 4 chữ số.")

    def clean_code(self) -> str:
        # Codes are upper case (TT 01/2018 Điều 19); a phone keyboard often is not.
        code = self.cleaned_data["code"].strip().upper()
        if not CODE_RE.fullmatch(code):
            raise ValidationError(_("Mã hồ sơ chỉ gồm chữ, số, dấu chấm và dấu gạch ngang."))
        return code

    def clean_digits(self) -> str:
        digits = self.cleaned_data["digits"].strip()
        if not LAST_DIGITS_RE.fullmatch(digits):
            raise ValidationError(_("Nhập đúng 4 chữ số."))
        return digits
