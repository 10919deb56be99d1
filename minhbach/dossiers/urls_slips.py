"""Paper forms of the back office, included at ``/can-bo/ho-so/`` (namespace ``slips``)."""

from django.urls import path

from minhbach.dossiers.views import slips

app_name = "slips"

urlpatterns = [
    path("<int:pk>/phieu/<int:slip_id>.pdf", slips.slip_pdf, name="slip-pdf"),
    path("so-theo-doi/<slug:slug>.pdf", slips.register_pdf, name="register-pdf"),
    path("so-theo-doi/<slug:slug>.xlsx", slips.register_xlsx, name="register-xlsx"),
]
