from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from minhbach.accounts import policies
from minhbach.units.models import Agency


@login_required
def home(request):
    agencies = policies.restrict(Agency.objects.select_related("administrative_unit"), request.user)
    return render(request, "portal/staff_home.html", {"agencies": agencies})
