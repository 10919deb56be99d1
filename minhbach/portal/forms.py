"""Back-office forms. Errors are in Vietnamese; a form that fails changes nothing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minhbach.core.models import CalendarDay
from minhbach.units.models import AdministrativeUnit


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Loại ngày"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Tên, lý do"), max_length=255)
    legal_ref = forms.CharField(
        label=_("Căn cứ pháp lý"),
        max_length=255,
        help_text=_("Số, ngày văn bản quy định (ví dụ: Công văn 2450/VPCP-KGVX)."),
    )
    scope = forms.ChoiceField(label=_("Phạm vi"), choices=CalendarDay.Scope.choices)
    unit = forms.ModelChoiceField(
        label=_("Đơn vị hành chính"), queryset=AdministrativeUnit.objects.none(), required=False
    )

    def __init__(self, *args, units=None, scopes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else AdministrativeUnit.objects.none()
        if scopes is not None:
            self.fields["scope"].choices = [c for c in CalendarDay.Scope.choices if c[0] in scopes]


class CalendarDayRemoveForm(forms.Form):
    legal_ref = forms.CharField(label=_("Căn cứ pháp lý của việc xóa"), max_length=255)


class AgencySettingsForm(forms.Form):
    """What a unit leader keeps up to date himself: the spokesperson and the reception cut-off."""

    spokesperson_name = forms.CharField(label=_("Người phát ngôn"), max_length=150, required=False)
    spokesperson_position = forms.CharField(
        label=_("Chức vụ người phát ngôn"), max_length=150, required=False
    )
    spokesperson_phone = forms.RegexField(
        label=_("Điện thoại người phát ngôn"),
        regex=r"^\+?[0-9 .()-]{8,20}$",
        required=False,
        error_messages={"invalid": _("Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm, từ 8 đến 20 ký tự.")},
    )
    spokesperson_email = forms.EmailField(label=_("Thư điện tử người phát ngôn"), required=False)
    address = forms.CharField(label=_("Địa chỉ trụ sở"), max_length=255, required=False)
    cutoff_enabled = forms.BooleanField(label=_("Áp dụng giờ chốt tiếp nhận"), required=False)
    cutoff_time = forms.TimeField(
        label=_("Giờ chốt tiếp nhận"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Hồ sơ tiếp nhận sau giờ này được tính từ ngày làm việc tiếp theo (NĐ 61/2018 Điều 20)."),
    )
