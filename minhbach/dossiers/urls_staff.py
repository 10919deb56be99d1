"""Back office of dossiers, included at ``/can-bo/ho-so/``."""

from django.urls import path

from minhbach.dossiers.views import staff

app_name = "dossiers"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("tiep-nhan/", staff.reception, name="reception"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/thao-tac/<slug:name>/", staff.action, name="action"),
]
