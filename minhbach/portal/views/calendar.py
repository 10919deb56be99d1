"""Back office: the working calendar, and officials' corrections of it (DOMAIN.md §3.6–3.7).

Anyone with ``core.view_calendarday`` reads the national calendar and the rows of units in his
scope. National and province rows are corrected only by administrators; a secretariat corrects
local days off of the units in its scope. Every correction goes through the service, which
writes the ledger and triggers the recomputation of open deadlines.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minhbach.accounts import policies
from minhbach.core.models import CalendarDay
from minhbach.core.workdays import services
from minhbach.portal.forms import CalendarDayForm, CalendarDayRemoveForm
from minhbach.units.models import AdministrativeUnit, Agency


def _is_admin(user) -> bool:
    return user.is_superuser or user.groups.filter(name="administrator").exists()


def _units_in_scope(user):
    agencies = policies.restrict(Agency.objects.all(), user)
    return AdministrativeUnit.objects.filter(pk__in=agencies.values("administrative_unit")).order_by("code")


def _visible_rows(user, year: int):
    rows = CalendarDay.objects.filter(date__year=year).select_related("unit")
    if _is_admin(user):
        return rows
    return rows.filter(Q(scope=CalendarDay.Scope.NATIONAL) | Q(unit__in=_units_in_scope(user)))


def _form_for(user, data=None) -> CalendarDayForm:
    if _is_admin(user):
        units = AdministrativeUnit.objects.filter(
            Q(level=AdministrativeUnit.Level.PROVINCE) | Q(pk__in=_units_in_scope(user))
        ).order_by("code")
        return CalendarDayForm(data, units=units)
    return CalendarDayForm(data, units=_units_in_scope(user), scopes={CalendarDay.Scope.UNIT})


def _parse_year(raw: str | None) -> int:
    try:
        year = int(raw) if raw else timezone.localdate().year
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@login_required
@permission_required("core.view_calendarday", raise_exception=True)
def calendar_year(request):
    year = _parse_year(request.GET.get("nam"))
    can_edit = request.user.has_perm("core.add_calendarday") and request.user.has_perm(
        "core.change_calendarday"
    )
    form = None
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = _form_for(request.user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.calendar_day_set(
                    actor=request.user,
                    date=data["date"],
                    kind=data["kind"],
                    name=data["name"],
                    legal_ref=data["legal_ref"],
                    scope=data["scope"],
                    unit=data["unit"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("Đã cập nhật lịch ngày %(day)s.") % {"day": row.date.strftime("%d/%m/%Y")}
                )
                return redirect(f"{request.path}?nam={row.date.year}")
    elif can_edit:
        form = _form_for(request.user)
    context = {
        "year": year,
        "rows": _visible_rows(request.user, year).order_by("date", "scope"),
        "form": form,
        "can_delete": request.user.has_perm("core.delete_calendarday"),
        "is_admin": _is_admin(request.user),
        "years": range(year - 2, year + 3),
    }
    return render(
        request, "portal/calendar.html", context, status=400 if form is not None and form.errors else 200
    )


@login_required
@require_POST
def calendar_day_remove(request, pk: int):
    if not request.user.has_perm("core.delete_calendarday"):
        raise Http404
    row = get_object_or_404(CalendarDay.objects.select_related("unit"), pk=pk)
    visible = _visible_rows(request.user, row.date.year).filter(pk=row.pk).exists()
    if not visible or (row.scope != CalendarDay.Scope.UNIT and not _is_admin(request.user)):
        raise Http404
    form = CalendarDayRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi căn cứ pháp lý khi xóa một ngày khỏi lịch."))
    else:
        services.calendar_day_remove(
            actor=request.user, calendar_day=row, legal_ref=form.cleaned_data["legal_ref"]
        )
        messages.success(
            request, _("Đã xóa ngày %(day)s khỏi lịch.") % {"day": row.date.strftime("%d/%m/%Y")}
        )
    return redirect(f"{reverse('portal:calendar')}?nam={row.date.year}")
