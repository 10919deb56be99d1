"""Back office of feedback, included at ``/can-bo/phan-anh/``."""

from django.urls import path

from minhbach.feedback.views import staff

app_name = "feedback"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("tiep-nhan/", staff.receive, name="receive"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/thao-tac/<slug:name>/", staff.action, name="action"),
]
