"""Sơ kết and tổng kết reports (DOMAIN.md §10.4), included at ``/can-bo/thi-dua/bao-cao/``."""

from django.urls import path

from minhbach.emulation import report_views as views

app_name = "emulation-reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("<int:review_pk>/", views.report, name="html"),
    path("<int:review_pk>/bao-cao.pdf", views.report, {"fmt": "pdf"}, name="pdf"),
    path("<int:review_pk>/bao-cao.xlsx", views.report, {"fmt": "xlsx"}, name="xlsx"),
    path("<int:review_pk>/cum/<int:group_pk>/", views.report, name="group-html"),
    path("<int:review_pk>/cum/<int:group_pk>/bao-cao.pdf", views.report, {"fmt": "pdf"}, name="group-pdf"),
    path("<int:review_pk>/cum/<int:group_pk>/bao-cao.xlsx", views.report, {"fmt": "xlsx"}, name="group-xlsx"),
]
