"""Published results of the emulation movements (DOMAIN.md §10.4, §10.15), included at ``/thi-dua/``."""

from django.urls import path

from minhbach.emulation import report_views as views

app_name = "emulation-public"

urlpatterns = [
    path("", views.results_list, name="list"),
    path("<int:pk>/", views.results_movement, name="movement"),
    path(
        "<int:pk>/dot/<int:review_pk>/don-vi/<int:agency_pk>/", views.results_participant, name="collective"
    ),
    path(
        "<int:pk>/dot/<int:review_pk>/ca-nhan/<int:official_pk>/",
        views.results_participant,
        name="individual",
    ),
]
