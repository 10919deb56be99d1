from django.urls import path

from minhbach.portal.views import public, staff

app_name = "portal"

urlpatterns = [
    path("", public.home, name="home"),
    path("can-bo/", staff.home, name="staff-home"),
    path("can-bo/don-vi/<slug:slug>/", staff.agency_detail, name="agency-detail"),
    path("can-bo/lich-lam-viec/", staff.home, name="calendar"),
]
