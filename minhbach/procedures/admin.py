from django.contrib import admin

from minhbach.procedures.models import (
    AnnouncingDecision,
    Procedure,
    ProcedureAssignment,
    ProcedureChannel,
    ProcedureField,
    ProcedureListing,
    ProcedureVersion,
)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "full_online_eligible")
    list_filter = ("field", "full_online_eligible")
    search_fields = ("code", "name", "search_text")
    raw_id_fields = ("current_version",)
    readonly_fields = ("search_text",)


class ChannelInline(admin.TabularInline):
    model = ProcedureChannel
    extra = 0
    fields = ("channel", "time_limit_value", "time_limit_unit", "time_limit_text", "needs_review")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    """Read-mostly: versions come from imports through ``procedure_upsert`` (ledgered)."""

    list_display = ("procedure", "decision", "status", "valid_from", "valid_to", "needs_review")
    list_filter = ("status", "needs_review", "online_mode")
    search_fields = ("procedure__code", "name")
    raw_id_fields = ("procedure", "decision", "field")
    inlines = [ChannelInline]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(AnnouncingDecision)
admin.site.register(ProcedureField)


@admin.register(ProcedureAssignment)
class ProcedureAssignmentAdmin(admin.ModelAdmin):
    list_display = ("agency", "procedure", "valid_from", "valid_to")
    raw_id_fields = ("procedure", "agency")


@admin.register(ProcedureListing)
class ProcedureListingAdmin(admin.ModelAdmin):
    list_display = ("agency", "procedure", "counter_medium", "counter_posted_on", "counter_checked_at")
    list_filter = ("counter_medium",)
    raw_id_fields = ("procedure", "agency", "counter_version", "counter_checked_by")

    def has_change_permission(self, request, obj=None):
        # Listings are recorded through the back office, which writes the ledger.
        return False
