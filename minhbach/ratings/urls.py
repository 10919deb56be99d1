"""Addresses under ``/danh-gia/``. ``<code>/`` is printed in receipts' QR codes
(``tokens.RATING_PATH``): it must never change, and it comes last so fixed words win."""

from django.urls import path

from minhbach.ratings.views import public, staff

app_name = "ratings"

urlpatterns = [
    path("cam-on/", public.thanks, name="thanks"),
    path("quay/<slug:slug>/", public.kiosk, name="kiosk"),
    path("thong-ke/<slug:slug>/", staff.stats, name="stats"),
    path("<str:code>/", public.rate, name="rate"),
]
