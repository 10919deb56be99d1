app_name = "slips"

urlpatterns: list = []
