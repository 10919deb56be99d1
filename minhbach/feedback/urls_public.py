app_name = "feedback-public"

urlpatterns: list = []
