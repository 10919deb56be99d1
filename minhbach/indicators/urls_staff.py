"""Back-office indicator pages, included at ``/can-bo/chi-so/``."""

from django.urls import path

from minhbach.indicators.views import staff

app_name = "indicators"

urlpatterns = [
    path("", staff.workload, name="workload"),
]
