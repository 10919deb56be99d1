"""Forms of the emulation pages; the services do the checks that matter (state, duplicates, dates)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minhbach.emulation.models import (
    AwardForm,
    CouncilMember,
    CriteriaSet,
    DisciplineCase,
    Initiative,
    Movement,
    RatingLevel,
    Review,
    Revocation,
    TaskCompletion,
    Verification,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD = 10 * 1024 * 1024


class _ScopedForm(forms.Form):
    """Agencies and officials offered are those of the user's scope (selectors)."""

    def __init__(self, *args, agencies=None, officials=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in ("agency",) and agencies is not None:
                field.queryset = agencies
            if name in ("official", "authors") and officials is not None:
                field.queryset = officials

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f and f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp đính kèm không được quá 10 MB."))
        return f


class InitiativeForm(_ScopedForm):
    title = forms.CharField(label=_("Tên sáng kiến, mô hình, giải pháp"), max_length=500)
    agency = forms.ModelChoiceField(queryset=None, label=_("Đơn vị"))
    authors = forms.ModelMultipleChoiceField(queryset=None, label=_("Tác giả"), required=False)
    kind = forms.ChoiceField(choices=Initiative.Kind.choices, label=_("Loại"))
    recognition_number = forms.CharField(label=_("Số quyết định công nhận"), max_length=60, required=False)
    recognition_date = forms.DateField(label=_("Ngày quyết định công nhận"), required=False, widget=DATE)
    recognition_issuer = forms.CharField(label=_("Cơ quan công nhận"), max_length=255, required=False)
    recognition_level = forms.ChoiceField(
        choices=[("", "—"), *Initiative.Level.choices], label=_("Cấp công nhận"), required=False
    )
    effect = forms.CharField(
        label=_("Hiệu quả áp dụng"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    attachment = forms.FileField(label=_("Tệp minh chứng"), required=False)


class AnnualRatingForm(_ScopedForm):
    official = forms.ModelChoiceField(queryset=None, label=_("Cán bộ, công chức"))
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(choices=RatingLevel.choices, label=_("Mức xếp loại"))
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=DATE)
    decided_by = forms.CharField(label=_("Cấp có thẩm quyền đánh giá"), max_length=255)
    basis = forms.CharField(label=_("Căn cứ"), max_length=255, required=False)
    attachment = forms.FileField(label=_("Tệp minh chứng"), required=False)


class DisciplineCaseForm(_ScopedForm):
    official = forms.ModelChoiceField(queryset=None, label=_("Cán bộ, công chức"))
    agency = forms.ModelChoiceField(queryset=None, label=_("Đơn vị"))
    status = forms.ChoiceField(choices=DisciplineCase.Status.choices, label=_("Tình trạng"))
    form = forms.ChoiceField(
        choices=[("", "—"), *DisciplineCase.Form.choices], label=_("Hình thức kỷ luật"), required=False
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60, required=False)
    decided_on = forms.DateField(label=_("Ngày quyết định"), required=False, widget=DATE)
    effective_from = forms.DateField(label=_("Hiệu lực từ"), required=False, widget=DATE)
    effective_to = forms.DateField(label=_("Hiệu lực đến"), required=False, widget=DATE)
    attachment = forms.FileField(label=_("Tệp minh chứng"), required=False)


class TaskCompletionForm(_ScopedForm):
    agency = forms.ModelChoiceField(queryset=None, label=_("Đơn vị"))
    official = forms.ModelChoiceField(
        queryset=None, label=_("Cán bộ, công chức (nếu giao cho cá nhân)"), required=False
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    task = forms.CharField(label=_("Nhiệm vụ được giao"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(choices=TaskCompletion.Result.choices, label=_("Kết quả"))
    decided_by = forms.CharField(label=_("Cơ quan đánh giá"), max_length=255)
    decided_on = forms.DateField(label=_("Ngày đánh giá"), widget=DATE)
    attachment = forms.FileField(label=_("Tệp minh chứng"), required=False)


class VerificationForm(_ScopedForm):
    kind = forms.ChoiceField(choices=Verification.Kind.choices, label=_("Loại"))
    agency = forms.ModelChoiceField(
        queryset=None, label=_("Đơn vị (nếu đối tượng là tập thể)"), required=False
    )
    official = forms.ModelChoiceField(
        queryset=None, label=_("Cán bộ, công chức (nếu là cá nhân)"), required=False
    )
    opened_on = forms.DateField(label=_("Ngày bắt đầu"), widget=DATE)
    note = forms.CharField(label=_("Ghi chú"), max_length=1000, required=False)
    attachment = forms.FileField(label=_("Tệp minh chứng"), required=False)


class ParIndexForm(_ScopedForm):
    agency = forms.ModelChoiceField(queryset=None, label=_("Đơn vị"))
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("Chỉ số (điểm)"), min_value=0, max_value=100, decimal_places=2)
    source = forms.CharField(label=_("Nguồn công bố"), max_length=255)
    attachment = forms.FileField(label=_("Tệp minh chứng"), required=False)


class EvaluateForm(forms.Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    seed = forms.CharField(
        label=_("Hạt giống bốc thăm (nhập tại phiên họp Hội đồng, có người chứng kiến)"),
        max_length=100,
        required=False,
    )
    reason = forms.CharField(
        label=_("Lý do tính lại"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


# --- Movement, reviews, groups, registrations ----------------------------------------------------


class MovementForm(_ScopedForm):
    name = forms.CharField(label=_("Tên phong trào"), max_length=500)
    launching_agency = forms.ModelChoiceField(queryset=None, label=_("Cơ quan phát động"))
    criteria_set = forms.ModelChoiceField(queryset=None, label=_("Bộ tiêu chí"))
    kind = forms.ChoiceField(choices=Movement.Kind.choices, label=_("Loại hình"))
    period_start = forms.DateField(label=_("Từ ngày"), widget=DATE)
    period_end = forms.DateField(label=_("Đến ngày"), widget=DATE)
    launch_decision_number = forms.CharField(
        label=_("Số quyết định phát động"), max_length=60, required=False
    )
    launch_decision_date = forms.DateField(label=_("Ngày quyết định phát động"), required=False, widget=DATE)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["launching_agency"].queryset = agencies
        self.fields["criteria_set"].queryset = CriteriaSet.objects.order_by("code", "-version")


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(choices=Review.Kind.choices, label=_("Loại đợt"))
    data_from = forms.DateField(label=_("Số liệu từ ngày"), required=False, widget=DATE)
    data_to = forms.DateField(label=_("Số liệu đến ngày"), required=False, widget=DATE)


class GroupForm(_ScopedForm):
    code = forms.CharField(label=_("Mã cụm, khối"), max_length=20)
    name = forms.CharField(label=_("Tên cụm, khối"), max_length=255)
    members = forms.ModelMultipleChoiceField(queryset=None, label=_("Đơn vị thành viên"))
    head_unit = forms.ModelChoiceField(queryset=None, label=_("Cụm trưởng"), required=False)
    deputy_unit = forms.ModelChoiceField(queryset=None, label=_("Cụm phó"), required=False)
    quota_collective = forms.IntegerField(label=_("Số tập thể được đề nghị"), min_value=0, required=False)
    quota_individual = forms.IntegerField(label=_("Số cá nhân được đề nghị"), min_value=0, required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("members", "head_unit", "deputy_unit"):
            self.fields[name].queryset = agencies


class RegistrationForm(_ScopedForm):
    agency = forms.ModelChoiceField(queryset=None, label=_("Đơn vị"))
    pledges = forms.CharField(
        label=_("Nội dung đăng ký"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    officials = forms.ModelMultipleChoiceField(queryset=None, label=_("Cá nhân đăng ký"), required=False)

    def __init__(self, *args, agencies=None, officials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["officials"].queryset = officials


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung cần hoàn thiện"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


# --- Right of reply ------------------------------------------------------------------------------


class ReplyWindowForm(forms.Form):
    working_days = forms.IntegerField(label=_("Số ngày làm việc"), min_value=1, max_value=30, required=False)


class ObjectionForm(forms.Form):
    target = forms.ChoiceField(label=_("Đối tượng và tiêu chí"))
    evidence_ref = forms.CharField(
        label=_("Dòng minh chứng (nếu có, dạng loại:số)"), max_length=60, required=False
    )
    text = forms.CharField(label=_("Nội dung phản hồi"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(targets)

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f and f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp đính kèm không được quá 10 MB."))
        return f


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Kết quả xem xét"), choices=[("accept", _("Chấp nhận")), ("reject", _("Không chấp nhận"))]
    )
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))
    value = forms.DecimalField(
        label=_("Giá trị điều chỉnh (khi chấp nhận)"), required=False, max_digits=12, decimal_places=4
    )


# --- Award round, council, decision --------------------------------------------------------------


class RoundForm(forms.Form):
    award_form = forms.ModelChoiceField(queryset=AwardForm.objects.all(), label=_("Hình thức khen thưởng"))
    issuing_role = forms.CharField(
        label=_("Thẩm quyền quyết định"), max_length=255, initial=_("Chủ tịch UBND huyện")
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ"),
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 98/2023/NĐ-CP"),
    )


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("Tên Hội đồng"), max_length=255)
    established_by = forms.CharField(label=_("Quyết định thành lập"), max_length=255, required=False)
    agency = forms.ModelChoiceField(queryset=None, label=_("Cơ quan"))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class CouncilMemberForm(forms.Form):
    official = forms.ModelChoiceField(queryset=None, label=_("Cán bộ"))
    role = forms.ChoiceField(choices=CouncilMember.Role.choices, label=_("Chức danh trong Hội đồng"))
    title = forms.CharField(label=_("Chức vụ"), max_length=255, required=False)
    valid_from = forms.DateField(label=_("Từ ngày"), widget=DATE)

    def __init__(self, *args, officials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials


class SessionForm(forms.Form):
    council = forms.ModelChoiceField(queryset=None, label=_("Hội đồng"))
    held_on = forms.DateField(label=_("Ngày họp"), widget=DATE)
    present = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Thành viên có mặt"), widget=forms.CheckboxSelectMultiple, required=False
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    draw_seed = forms.CharField(label=_("Hạt giống bốc thăm"), max_length=100, required=False)
    witnesses = forms.CharField(label=_("Người chứng kiến bốc thăm"), required=False)

    def __init__(self, *args, councils=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        self.fields["present"].queryset = members


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    date = forms.DateField(label=_("Ngày quyết định"), widget=DATE)
    signer_name = forms.CharField(label=_("Người ký"), max_length=255)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=255, initial=_("CHỦ TỊCH"))
    legal_basis = forms.CharField(label=_("Căn cứ"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RevocationForm(forms.Form):
    grounds = forms.ChoiceField(choices=Revocation.Grounds.choices, label=_("Căn cứ hủy"))
    reason = forms.CharField(label=_("Lý do (công khai)"), widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label=_("Số quyết định hủy"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định hủy"), widget=DATE)
    amount_recovered_vnd = forms.IntegerField(label=_("Số tiền thu hồi (đồng)"), min_value=0, initial=0)
