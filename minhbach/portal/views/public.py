"""Citizen pages: no login, no personal data."""

from django.shortcuts import render

from minhbach.units.models import Agency


def home(request):
    committees = (
        Agency.objects.filter(kind=Agency.Kind.PEOPLE_COMMITTEE)
        .select_related("administrative_unit")
        .order_by("path")[:60]
    )
    return render(request, "portal/home.html", {"committees": committees})
