"""Clients are created by ``manage.py open311_client`` (the only place the key is shown); the admin
can only look at them and switch them off."""

from django.contrib import admin

from minhbach.open311 import services
from minhbach.open311.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "channel", "active", "created_at")
    list_filter = ("active", "channel")
    search_fields = ("name",)
    readonly_fields = ("name", "agency", "channel", "created_at")
    fields = ("name", "agency", "channel", "active", "created_at")

    def save_model(self, request, obj, form, change):
        # Switching a client on or off goes through the service, which writes the ledger.
        if change and "active" in form.changed_data:
            services.api_client_set_active(actor=request.user, client=obj, active=obj.active)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
