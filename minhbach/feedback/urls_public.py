"""Citizen pages of feedback, included at ``/phan-anh/``."""

from django.urls import path

from minhbach.feedback.views import public

app_name = "feedback-public"

urlpatterns = [
    path("", public.answers, name="list"),
    path("gui/", public.submit, name="submit"),
    path("<str:code>/", public.detail, name="detail"),
    path("<str:code>/danh-gia/", public.react, name="react"),
    path("<str:code>/phan-anh-lai/", public.follow_up, name="follow-up"),
]
