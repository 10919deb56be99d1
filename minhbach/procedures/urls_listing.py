"""Listing coverage (back office) and the public counter poster (DOMAIN.md §4.4)."""

from django.urls import path

from minhbach.procedures import posters
from minhbach.procedures.views import staff

app_name = "listing"

urlpatterns = [
    path("can-bo/niem-yet/<slug:slug>/", staff.coverage_page, name="coverage"),
    path("can-bo/niem-yet/<slug:slug>/ghi-nhan/", staff.listing_record_view, name="record"),
    path("can-bo/niem-yet/<slug:slug>/kiem-tra/", staff.listing_check_view, name="check"),
    path("can-bo/niem-yet/<slug:slug>/in-bang-niem-yet/", staff.poster_print, name="poster-print"),
    path("don-vi/<str:code>/niem-yet.pdf", posters.poster_pdf, name="poster"),
]
