"""Public pages of the catalogue under ``/thu-tuc/``; ``<code>`` keeps its dots (``1.012753.H19``)."""

from django.urls import path

from minhbach.procedures.views import public

app_name = "procedures"

urlpatterns = [
    path("", public.procedure_list, name="list"),
    path("<str:code>/", public.procedure_detail, name="detail"),
    path("<str:code>/giay-to/", public.procedure_checklist, name="checklist"),
    path("<str:code>/qr.svg", public.procedure_qr_svg, name="qr-svg"),
    path("<str:code>/qr.png", public.procedure_qr_png, name="qr-png"),
]
