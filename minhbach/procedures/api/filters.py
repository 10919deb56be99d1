"""Query parameters of ``/api/v1/public/procedures/``, validated before any search runs.

A bad value is a 400 with a Vietnamese message naming the parameter, never an empty list that
hides a typo and never a 500 (STYLE.md: bad input gets a clear message).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from minhbach.procedures import selectors
from minhbach.procedures.models import Level, Procedure, ProcedureField
from minhbach.units.models import Agency

_TRUE, _FALSE = ("true", "1"), ("false", "0")


def _to_bool(value: str) -> bool:
    return value in _TRUE


def _documented(filter_: django_filters.Filter, **schema) -> django_filters.Filter:
    """Give the OpenAPI schema the parameter's real type and its help text: drf-spectacular
    cannot infer them, because the selector, not the filter's ``field_name``, does the matching."""
    return extend_schema_field({**schema, "description": filter_.extra.get("help_text")})(filter_)


class SlugFilter(django_filters.ModelChoiceFilter):
    """A related object named by its slug (citizens see slugs and codes, never primary keys)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """``true``/``false`` (or ``1``/``0``) only: django-filter's BooleanFilter reads any other
    word as "no filter", which hides a typo behind a full list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("choices", [(v, v) for v in (*_TRUE, *_FALSE)])
        kwargs.setdefault("coerce", _to_bool)
        super().__init__(*args, **kwargs)


class ProcedureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        max_length=selectors.MAX_QUERY_LENGTH,
        help_text=_(
            "Từ khóa tìm kiếm, có dấu hoặc không dấu (ví dụ: dang ky khai sinh); "
            "kết quả xếp theo mức độ khớp với tên thủ tục."
        ),
        error_messages={"max_length": _("Từ khóa tìm kiếm dài quá %(limit_value)d ký tự.")},
    )
    field = _documented(
        SlugFilter(
            queryset=ProcedureField.objects.all(),
            help_text=_("Đường dẫn (slug) của lĩnh vực, ví dụ: ho-tich."),
            error_messages={"invalid_choice": _("Không có lĩnh vực “%(value)s”.")},
        ),
        type="string",
    )
    level = django_filters.ChoiceFilter(
        choices=Level.choices,
        help_text=_("Cấp thực hiện."),
        error_messages={
            "invalid_choice": _(
                "Cấp thực hiện “%(value)s” không hợp lệ; dùng một trong: ministry, province, district, "
                "commune, other."
            )
        },
    )
    agency = _documented(
        SlugFilter(
            queryset=Agency.objects.all(),
            help_text=_("Đường dẫn (slug) của cơ quan, đơn vị đang giải quyết thủ tục."),
            error_messages={"invalid_choice": _("Không có cơ quan, đơn vị “%(value)s”.")},
        ),
        type="string",
    )
    online = _documented(
        StrictBooleanFilter(
            help_text=_(
                "true: chỉ thủ tục nộp trực tuyến được; false: chỉ thủ tục chưa nộp trực tuyến được."
            ),
            error_messages={
                "invalid_choice": _("Tham số online chỉ nhận true hoặc false, không nhận “%(value)s”.")
            },
        ),
        type="boolean",
    )

    class Meta:
        model = Procedure
        fields: list[str] = []

    def filter_queryset(self, queryset):
        """One call to the selector, which owns matching, filtering and ranking."""
        data = self.form.cleaned_data
        return selectors.search_procedures(
            data.get("q") or "",
            field=data["field"].slug if data.get("field") else None,
            level=data.get("level") or None,
            agency=data["agency"].slug if data.get("agency") else None,
            online=data.get("online") if data.get("online") in (True, False) else None,
        )
