"""Back office of publication, included at ``/can-bo/cong-khai/``."""

from django.urls import path

from minhbach.disclosure.views import staff

app_name = "disclosure"

urlpatterns = [
    path("<slug:slug>/", staff.register, name="register"),
    path("<slug:slug>/them/", staff.item_add, name="item-add"),
    path("<slug:slug>/<int:pk>/cong-khai/", staff.item_publish, name="item-publish"),
    path("<slug:slug>/dau-moi/", staff.contact_add, name="contact-add"),
    path("<slug:slug>/dau-moi/<int:pk>/xac-nhan/", staff.contact_confirm, name="contact-confirm"),
    path("<slug:slug>/bai-viet/", staff.article_create, name="article-create"),
    path("<slug:slug>/bai-viet/<int:pk>/", staff.article_edit, name="article-edit"),
]
