from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("tai-khoan/", include("minhbach.accounts.urls")),
    path("thu-tuc/", include("minhbach.procedures.urls")),
    path("api/v1/public/", include("minhbach.procedures.api.urls")),
    path("", include("minhbach.procedures.urls_listing")),
    path("ho-so/", include("minhbach.dossiers.urls_public")),
    path("can-bo/ho-so/", include("minhbach.dossiers.urls_staff")),
    path("can-bo/ho-so/", include("minhbach.dossiers.urls_slips")),
    path("phan-anh/", include("minhbach.feedback.urls_public")),
    path("can-bo/phan-anh/", include("minhbach.feedback.urls_staff")),
    path("open311/v2/", include("minhbach.open311.urls")),
    path("danh-gia/", include("minhbach.ratings.urls")),
    path("cong-khai/", include("minhbach.disclosure.urls_public")),
    path("minh-bach/", include("minhbach.indicators.urls_public")),
    path("can-bo/chi-so/", include("minhbach.indicators.urls_staff")),
    path("co-quan/", include("minhbach.disclosure.urls_units")),
    path("can-bo/cong-khai/", include("minhbach.disclosure.urls_staff")),
    path("can-bo/thi-dua/bao-cao/", include("minhbach.emulation.urls_reports")),
    path("can-bo/thi-dua/", include("minhbach.emulation.urls_staff")),
    path("thi-dua/", include("minhbach.emulation.urls_public_results")),
    path("", include("minhbach.portal.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
