"""Back-office statistics of satisfaction (DOMAIN.md §7): aggregates only.

Officers see counts and rates for a unit and a period, never an individual rating and never
which dossier got which rating (§7.4), so this page reads nothing but ``selectors`` aggregates.
An agency outside the user's scope answers 404 (``policies.restrict``).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from minhbach.accounts.policies import restrict
from minhbach.ratings import selectors, services
from minhbach.units.models import Agency


class PeriodForm(forms.Form):
    tu = forms.DateField(label=gettext_lazy("Trả kết quả từ ngày"), required=False)
    den = forms.DateField(label=gettext_lazy("đến ngày"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("tu"), data.get("den")
        if start and end and start > end:
            raise forms.ValidationError(gettext_lazy("Ngày bắt đầu phải trước ngày kết thúc."))
        return data


def _period(form: PeriodForm) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start, end = today.replace(day=1), today
    if form.is_valid():
        start = form.cleaned_data.get("tu") or start
        end = form.cleaned_data.get("den") or end
    return start, end


@login_required
@require_safe
def stats(request: HttpRequest, slug: str) -> HttpResponse:
    agency = restrict(Agency.objects.all(), request.user).filter(slug=slug).first()
    if agency is None:
        raise Http404
    form = PeriodForm(request.GET or None)
    start, end = _period(form)
    summary = selectors.survey(agency, start, end)
    r766 = selectors.rate_766(agency, start, end)
    levels = services.levels_in_force(end)
    known = {lv.code for lv in levels}
    rows = [(lv.label, lv.satisfied, summary.by_level.get(lv.code, 0)) for lv in levels]
    rows += [(code, None, n) for code, n in sorted(summary.by_level.items()) if code not in known]
    context = {
        "agency": agency,
        "form": form,
        "start": start,
        "end": end,
        "summary": summary,
        "r766": r766,
        "rows": rows,
    }
    return render(request, "ratings/staff/stats.html", context)
