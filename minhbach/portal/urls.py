from django.urls import path

from minhbach.portal.views import calendar, public, staff

app_name = "portal"

urlpatterns = [
    path("", public.home, name="home"),
    path("can-bo/", staff.home, name="staff-home"),
    path("can-bo/don-vi/<slug:slug>/", staff.agency_detail, name="agency-detail"),
    path("can-bo/don-vi/<slug:slug>/thong-tin/", staff.agency_settings, name="agency-settings"),
    path("can-bo/lich-lam-viec/", calendar.calendar_year, name="calendar"),
    path("can-bo/lich-lam-viec/<int:pk>/xoa/", calendar.calendar_day_remove, name="calendar-remove"),
]
