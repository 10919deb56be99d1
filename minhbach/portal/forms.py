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
