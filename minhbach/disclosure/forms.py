"""Forms of the publication pages: every label in Vietnamese, every refusal a clear message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minhbach.disclosure.models import Article, Channel, Kind, PublicationItem, UnitContact

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y", "%Y-%m-%d"]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _date(label, required=True):
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS, widget=DateInput())


def _datetime(label, required=True):
    return forms.DateTimeField(
        label=label, required=required, input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )


class ArticleSearchForm(forms.Form):
    q = forms.CharField(label=_("Từ khóa"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Chuyên mục"),
        required=False,
        choices=[("", _("Tất cả chuyên mục")), *Article.Category.choices],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["invalid_choice"] = _("Chuyên mục không có trong danh sách.")


class PublishForm(forms.Form):
    published_at = _datetime(_("Thời điểm công khai"))
    url = forms.URLField(
        label=_("Đường dẫn"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Bắt buộc khi công khai trên cổng thông tin."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Hình thức công khai"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    evidence = forms.CharField(
        label=_("Minh chứng"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


TRIGGER_KINDS = (
    ("decision", _("Quyết định, văn bản")),
    ("approval", _("Phê duyệt")),
    ("schedule", _("Lịch định kỳ")),
    ("plan", _("Kế hoạch của đơn vị")),
)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại thông tin"), choices=Kind.choices)
    title = forms.CharField(label=_("Tiêu đề"), max_length=255)
    trigger_kind = forms.ChoiceField(label=_("Căn cứ phát sinh"), choices=TRIGGER_KINDS)
    trigger_ref = forms.CharField(
        label=_("Số hiệu, trích yếu căn cứ"), max_length=100, help_text=_("Ví dụ: 123/QĐ-UBND")
    )
    trigger_date = _date(_("Ngày phát sinh (ngày ký, ngày phê duyệt)"))
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), required=False, max_length=255)
    due_at = _date(_("Hạn công khai (chỉ với loại “Khác”)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.OTHER and not data.get("due_at"):
            self.add_error("due_at", _("Thông tin loại “Khác” cần nhập hạn công khai theo kế hoạch."))
        return data


class ContactForm(forms.ModelForm):
    website = forms.URLField(label=_("Trang thông tin"), required=False, assume_scheme="https")

    class Meta:
        model = UnitContact
        fields = (
            "kind", "name", "title", "phone", "email", "address", "website", "office_hours",
            "decision_number", "decision_date", "valid_from",
        )  # fmt: skip
        widgets = {"decision_date": DateInput(), "valid_from": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("decision_date", "valid_from"):
            self.fields[name].input_formats = DATE_FORMATS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ArticleForm(forms.Form):
    category = forms.ChoiceField(label=_("Chuyên mục"), choices=Article.Category.choices)
    title = forms.CharField(label=_("Tiêu đề"), max_length=255)
    summary = forms.CharField(label=_("Tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        label=_("Nội dung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Văn bản thuần; để một dòng trống giữa các đoạn."),
    )
    published_at = _datetime(_("Thời điểm đăng (để trống: lưu nháp)"), required=False)
    publication_item = forms.ModelChoiceField(
        label=_("Thực hiện thông tin phải công khai"), queryset=PublicationItem.objects.none(), required=False
    )
    files = MultipleFileField(label=_("Tệp đính kèm (PDF, DOCX, XLSX, JPEG, PNG)"), required=False)

    def __init__(self, *args, items=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["publication_item"].queryset = items
