app_name = "procedures-api"

urlpatterns: list = []
