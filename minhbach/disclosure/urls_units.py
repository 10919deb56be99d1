"""Public page of a unit, included at ``/co-quan/``."""

from django.urls import path

from minhbach.disclosure.views import public

app_name = "units-public"

urlpatterns = [
    path("<slug:slug>/", public.agency_page, name="agency"),
]
