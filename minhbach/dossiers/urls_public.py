app_name = "dossiers-public"

urlpatterns: list = []
