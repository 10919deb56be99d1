"""Public transparency pages, included at ``/minh-bach/``."""

from django.urls import path

from minhbach.indicators.views import public

app_name = "indicators-public"

urlpatterns = [
    path("", public.dashboard, name="dashboard"),
    path("xep-hang/", public.league, name="league"),
    path("xu-huong/", public.trend, name="trends"),
    path("bang-chung/<slug:slug>/<str:code>/<str:part>/", public.evidence_list, name="evidence"),
    path("dau-hieu/<slug:slug>/<str:flag>/", public.flag_list, name="flag"),
    path("bao-cao/<slug:slug>.pdf", public.report_pdf, name="report-pdf"),
    path("bao-cao/<slug:slug>.xlsx", public.report_xlsx, name="report-xlsx"),
    path("bao-cao/<slug:slug>.csv", public.report_csv, name="report-csv"),
]
