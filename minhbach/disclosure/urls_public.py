"""News and documents of the public portal, included at ``/cong-khai/``."""

from django.urls import path

from minhbach.disclosure.views import public

app_name = "disclosure-public"

urlpatterns = [
    path("", public.article_list, name="list"),
    path("<slug:slug>/", public.article_detail, name="article"),
    path("<slug:slug>/tep/<int:pk>/", public.attachment_download, name="attachment"),
]
