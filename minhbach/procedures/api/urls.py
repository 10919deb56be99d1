"""Public read API under ``/api/v1/public/``, with its OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from minhbach.procedures.api import views

app_name = "procedures-api"

urlpatterns = [
    path("procedures/", views.ProcedureListView.as_view(), name="procedure-list"),
    path("procedures/<str:code>/", views.ProcedureDetailView.as_view(), name="procedure-detail"),
    # Public like the API it describes; no session needed to read it.
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[]), name="schema"),
]
