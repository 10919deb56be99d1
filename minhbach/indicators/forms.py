"""The choice of unit and period on the transparency pages, validated with Vietnamese messages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The emulation campaign of Bắc Trà My (Kế hoạch của UBND huyện, DOMAIN.md §10.2): a named preset.
CAMPAIGN_START, CAMPAIGN_END = dt.date(2023, 9, 1), dt.date(2024, 11, 30)
#: Longest range accepted: the trend is computed by month, so the page stays bounded.
MAX_DAYS = 6 * 366
EARLIEST = dt.date(2000, 1, 1)


class Preset:
    MONTH, QUARTER, YEAR, CAMPAIGN, CUSTOM = "thang", "quy", "nam", "phong-trao", "tuy-chon"
    CHOICES = (
        (CAMPAIGN, _("Đợt phong trào 01/9/2023 – 30/11/2024")),
        (MONTH, _("Tháng")),
        (QUARTER, _("Quý")),
        (YEAR, _("Năm")),
        (CUSTOM, _("Tùy chọn")),
    )


class PeriodForm(forms.Form):
    """``ky`` chooses the kind of period; the other fields give it (all optional, checked in clean)."""

    don_vi = forms.SlugField(label=_("Đơn vị"), required=False, max_length=80)
    ky = forms.ChoiceField(label=_("Kỳ"), choices=Preset.CHOICES, required=False)
    thang = forms.CharField(label=_("Tháng (MM/YYYY)"), required=False, max_length=7)
    quy = forms.TypedChoiceField(
        label=_("Quý"),
        choices=[("", "—")] + [(i, f"Quý {i}") for i in range(1, 5)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    nam = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    tu = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    den = forms.DateField(label=_("Đến ngày"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(
                {
                    "invalid": _("Giá trị không hợp lệ."),
                    "invalid_choice": _("Lựa chọn không hợp lệ."),
                    "min_value": _("Năm phải từ 2000 trở đi."),
                    "max_value": _("Năm không được quá 2100."),
                }
            )
        self.fields["tu"].error_messages["invalid"] = _("Ngày không hợp lệ (dạng dd/mm/yyyy).")
        self.fields["den"].error_messages["invalid"] = _("Ngày không hợp lệ (dạng dd/mm/yyyy).")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("ky") or (Preset.CUSTOM if data.get("tu") or data.get("den") else Preset.CAMPAIGN)
        today = timezone.localdate()
        year = data.get("nam") or today.year
        if kind == Preset.CAMPAIGN:
            start, end = CAMPAIGN_START, CAMPAIGN_END
        elif kind == Preset.MONTH:
            start = _month(data.get("thang") or f"{today:%m/%Y}")
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        elif kind == Preset.QUARTER:
            quarter = data.get("quy") or (today.month - 1) // 3 + 1
            start = dt.date(year, 3 * quarter - 2, 1)
            end = (dt.date(year, 3 * quarter, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                days=1
            )
        elif kind == Preset.YEAR:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            start, end = data.get("tu"), data.get("den")
            if start is None or end is None:
                raise ValidationError(_("Kỳ tùy chọn cần cả ngày bắt đầu và ngày kết thúc."))
        check_range(start, end)
        data["ky"], data["start"], data["end"] = kind, start, end
        return data


def _month(text: str) -> dt.date:
    for fmt in ("%m/%Y", "%Y-%m"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date().replace(day=1)
        except ValueError:
            continue
    raise ValidationError(_("Tháng không hợp lệ (dạng MM/YYYY, ví dụ 03/2024)."))


def check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValidationError(_("Ngày bắt đầu kỳ phải trước hoặc bằng ngày kết thúc."))
    if start < EARLIEST:
        raise ValidationError(_("Ngày bắt đầu kỳ không được trước năm 2000."))
    if (end - start).days > MAX_DAYS:
        raise ValidationError(_("Kỳ báo cáo dài nhất là 6 năm."))


class RangeForm(forms.Form):
    """The explicit range of a drill-down, report or export link (``tu``, ``den``, ISO dates)."""

    tu = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Thiếu ngày bắt đầu kỳ."),
            "invalid": _("Ngày bắt đầu kỳ không hợp lệ (YYYY-MM-DD)."),
        },
    )
    den = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Thiếu ngày kết thúc kỳ."),
            "invalid": _("Ngày kết thúc kỳ không hợp lệ (YYYY-MM-DD)."),
        },
    )

    def clean(self):
        data = super().clean()
        if not self.errors:
            check_range(data["tu"], data["den"])
        return data
