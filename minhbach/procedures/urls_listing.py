app_name = "listing"

urlpatterns: list = []
