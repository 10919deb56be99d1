"""Back-office pages. Every object is looked up through the user's scope: outside it, 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minhbach.accounts import policies
from minhbach.accounts.models import Membership
from minhbach.core import ledger
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
    }
    if request.user.has_perm("accounts.view_official"):
        context["memberships"] = (
            Membership.objects.valid_on(timezone.localdate()).filter(agency=agency).select_related("official")
        )
    if request.user.has_perm("core.view_ledgerentry"):
        context["ledger_entries"] = ledger.history(agency).order_by("-seq")[:50]
    return render(request, "portal/agency_detail.html", context)
