"""Open311 GeoReport v2, mounted at ``/open311/v2/``; the format is the file extension."""

from django.urls import re_path

from minhbach.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/]+){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.requests, name="requests"),
    re_path(rf"^requests/(?P<code>[^/]+){FMT}", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+){FMT}", views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
