"""Back office of the emulation movement, included at ``/can-bo/thi-dua/``."""

from django.urls import path

from minhbach.emulation.views import awards, manage, reply, staff

app_name = "emulation"

urlpatterns = [
    path("", staff.movement_list, name="movements"),
    path("<int:pk>/", staff.movement_detail, name="movement"),
    path("<int:pk>/tinh-diem/", staff.evaluate, name="evaluate"),
    path("ket-qua/<int:evaluation_pk>/don-vi/<int:agency_pk>/", staff.participant, name="collective"),
    path("ket-qua/<int:evaluation_pk>/ca-nhan/<int:official_pk>/", staff.participant, name="individual"),
    path("sang-kien/", staff.register, {"name": "initiatives"}, name="initiatives"),
    path("xep-loai/", staff.register, {"name": "ratings"}, name="ratings"),
    path("ky-luat/", staff.register, {"name": "discipline"}, name="discipline"),
    path("nhiem-vu/", staff.register, {"name": "tasks"}, name="tasks"),
    path("thanh-tra/", staff.register, {"name": "verifications"}, name="verifications"),
    path("chi-so-par/", staff.register, {"name": "par"}, name="par"),
    # Management by the standing body
    path("tao-moi/", manage.movement_create, name="movement_create"),
    path("<int:pk>/them-dot/", manage.review_create, name="review_create"),
    path("<int:pk>/cum-khoi/", manage.groups, name="groups"),
    path("<int:pk>/dang-ky/", manage.registrations, name="registrations"),
    path("dang-ky/<int:pk>/<slug:action>/", manage.registration_action, name="registration_action"),
    # Right of reply (§10.9)
    path("dot/<int:pk>/phan-hoi/", reply.review_reply, name="reply"),
    path("dot/<int:pk>/phan-hoi/mo/", reply.reply_open, name="reply_open"),
    path("phan-hoi/thoi-han/<int:pk>/dong/", reply.reply_close, name="reply_close"),
    path("phan-hoi/y-kien/<int:pk>/xem-xet/", reply.objection_decide, name="objection_decide"),
    path("dot/<int:pk>/cong-bo/", reply.review_publish, name="review_publish"),
    path("phan-hoi/", reply.unit_reply_list, name="unit_reply_list"),
    path("phan-hoi/<int:pk>/don-vi/<int:agency_pk>/", reply.unit_reply, name="unit_reply"),
    # Award round, council, decision (§10.10–10.14)
    path("dot/<int:pk>/khen-thuong/", awards.round_create, name="round_create"),
    path("xet-khen-thuong/<int:pk>/", awards.award_round, name="round"),
    path("xet-khen-thuong/<int:pk>/trinh/", awards.round_submit, name="round_submit"),
    path("xet-khen-thuong/<int:pk>/phien-hop/", awards.session_create, name="session_create"),
    path("xet-khen-thuong/<int:pk>/quyet-dinh/", awards.decision_create, name="decision_create"),
    path("phien-hop/<int:pk>/", awards.session_detail, name="session"),
    path("phien-hop/<int:pk>/bo-phieu/", awards.session_vote, name="session_vote"),
    path("phien-hop/<int:pk>/kiem-phieu/", awards.session_close, name="session_close"),
    path("phien-hop/<int:pk>/bien-ban.pdf", awards.minutes, name="minutes"),
    path("hoi-dong/", awards.councils, name="councils"),
    path("hoi-dong/<int:pk>/", awards.council_detail, name="council"),
    path("quyet-dinh/<int:pk>/", awards.decision_detail, name="decision"),
    path("quyet-dinh/<int:pk>/giay-khen/<int:recipient_pk>.pdf", awards.certificate, name="certificate"),
    path("quyet-dinh/<int:pk>/huy/<int:recipient_pk>/", awards.recipient_revoke, name="revoke"),
]
