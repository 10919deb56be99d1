"""Citizen addresses under ``/ho-so/``. ``tra-cuu/<code>/`` is printed in receipts' QR codes
(``links.LOOKUP_PATH``): it must never change."""

from django.urls import path

from minhbach.dossiers.views import public

app_name = "dossiers-public"

urlpatterns = [
    path("nop-truc-tuyen/<str:procedure_code>/", public.submit, name="submit"),
    path("da-nop/", public.submitted, name="submitted"),
    path("tra-cuu/", public.lookup_view, name="lookup"),
    path("tra-cuu/<str:code>/", public.lookup_code, name="lookup-code"),
]
