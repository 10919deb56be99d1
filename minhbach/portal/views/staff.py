"""Back-office pages. Every object is looked up through the user's scope: outside it, 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minhbach.accounts import policies
from minhbach.accounts.models import Membership
from minhbach.core import ledger
from minhbach.portal.forms import AgencySettingsForm
from minhbach.units import services as unit_services
from minhbach.units.models import Agency

WEEKDAY_LABELS = (_("T2"), _("T3"), _("T4"), _("T5"), _("T6"), _("T7"), _("CN"))


@login_required
def home(request):
    agencies = policies.restrict(Agency.objects.select_related("administrative_unit"), request.user)
    official = getattr(request.user, "official", None)
    return render(request, "portal/staff_home.html", {"agencies": agencies, "official": official})


@login_required
def agency_detail(request, slug: str):
    scoped = policies.restrict(Agency.objects.select_related("administrative_unit", "parent"), request.user)
    agency = get_object_or_404(scoped, slug=slug)
    hours = list(agency.working_hours.all())
    for h in hours:
        h.day_label = WEEKDAY_LABELS[h.weekday]
    context = {
        "agency": agency,
        "hours": hours,
        "children": policies.restrict(agency.children.order_by("name"), request.user),
        "memberships": None,
        "ledger_entries": None,
        "can_edit": request.user.has_perm("units.change_agency"),
    }
    if request.user.has_perm("accounts.view_official"):
        context["memberships"] = (
            Membership.objects.valid_on(timezone.localdate()).filter(agency=agency).select_related("official")
        )
    if request.user.has_perm("core.view_ledgerentry"):
        context["ledger_entries"] = ledger.history(agency).order_by("-seq")[:50]
    return render(request, "portal/agency_detail.html", context)


@login_required
def agency_settings(request, slug: str):
    """Edit the spokesperson and the cut-off of an agency in scope (404 outside, or without right)."""
    if not request.user.has_perm("units.change_agency"):
        raise Http404
    agency = get_object_or_404(policies.restrict(Agency.objects.all(), request.user), slug=slug)
    fields = list(AgencySettingsForm.base_fields)
    if request.method == "POST":
        form = AgencySettingsForm(request.POST)
        if form.is_valid():
            changes = {f: v for f, v in form.cleaned_data.items() if getattr(agency, f) != v}
            if changes:
                unit_services.agency_update_settings(actor=request.user, agency=agency, **changes)
            messages.success(request, gettext("Đã lưu thông tin của đơn vị."))
            return redirect("portal:agency-detail", slug=agency.slug)
    else:
        form = AgencySettingsForm(initial={f: getattr(agency, f) for f in fields})
    status = 400 if form.errors else 200
    return render(request, "portal/agency_settings.html", {"agency": agency, "form": form}, status=status)
