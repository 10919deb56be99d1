"""Forms of the feedback pages; the services do the checks that matter (state, scope, validity)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minhbach.feedback.models import Category, Channel, FeedbackReaction, SenderKind, Substantiated
from minhbach.units.models import Agency

DESK_CHANNELS = [
    (c.value, c.label) for c in (Channel.COUNTER, Channel.HOTLINE, Channel.LETTER, Channel.COMMENT_BOX)
]


class SubmitForm(forms.Form):
    """Citizen submission: identified by default; anonymous is accepted as information only."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), label=_("Gửi đến cơ quan"))
    category = forms.ChoiceField(choices=Category.choices, label=_("Loại phản ánh, kiến nghị"))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label=_("Nội dung"), max_length=5000)
    anonymous = forms.BooleanField(
        required=False,
        label=_("Gửi ẩn danh (chỉ được ghi nhận như thông tin tham khảo, không được trả lời riêng)"),
    )
    name = forms.CharField(required=False, max_length=200, label=_("Họ và tên"))
    address = forms.CharField(required=False, max_length=300, label=_("Địa chỉ"))
    phone = forms.CharField(required=False, max_length=30, label=_("Số điện thoại"))
    email = forms.EmailField(required=False, label=_("Thư điện tử"))
    kind = forms.ChoiceField(choices=SenderKind.choices, initial=SenderKind.PERSON, label=_("Người gửi là"))

    def clean(self):
        data = super().clean()
        if not data.get("anonymous"):
            for field in ("name", "address", "phone"):
                if not (data.get(field) or "").strip():
                    self.add_error(
                        field, _("Bắt buộc khi gửi có danh tính (Nghị định 20/2008/NĐ-CP Điều 7).")
                    )
        return data


class DeskForm(SubmitForm):
    """Desk entry of a letter, a call or a visit, written down by the officer."""

    channel = forms.ChoiceField(choices=DESK_CHANNELS, label=_("Kênh tiếp nhận"))
    out_of_scope = forms.BooleanField(required=False, label=_("Là khiếu nại, tố cáo (ngoài phạm vi)"))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies


class NoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Ghi chú, lý do")
    )


class ForwardForm(NoteForm):
    to_agency = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), label=_("Chuyển đến"))


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label=_("Nội dung trả lời"))


class PublishForm(forms.Form):
    question_redacted = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("Nội dung phản ánh sẽ công khai (đã ẩn thông tin cá nhân — kiểm tra kỹ)"),
    )
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label=_("Nội dung trả lời"))


class SubstantiatedForm(NoteForm):
    value = forms.ChoiceField(choices=Substantiated.choices, label=_("Kết quả xác minh"))


class ReactionForm(forms.Form):
    value = forms.ChoiceField(choices=FeedbackReaction.Value.choices)


class FollowUpForm(forms.Form):
    """A citizen's follow-up about a published answer: identified, as a valid PAKN (NĐ 20/2008 Điều 7)."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label=_("Nội dung phản ánh lại về kết quả"), max_length=5000
    )
    name = forms.CharField(max_length=200, label=_("Họ và tên"))
    address = forms.CharField(max_length=300, label=_("Địa chỉ"))
    phone = forms.CharField(max_length=30, label=_("Số điện thoại"))
    email = forms.EmailField(required=False, label=_("Thư điện tử"))
