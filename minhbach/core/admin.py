from django.contrib import admin

from minhbach.core.models import CalendarDay, LedgerEntry, RuleSet


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Read-only: the ledger is append-only, the database refuses edits anyway."""

    list_display = ("seq", "occurred_at", "actor_label", "unit_code", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label", "unit_code")
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("domain", "code", "version", "name", "valid_from", "valid_to")
    list_filter = ("domain",)

    def has_change_permission(self, request, obj=None):
        # A rule set in use is never edited in place: a change is a new version (DOMAIN.md §11).
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Viewing only: corrections go through the back office, which logs them and recomputes."""

    list_display = ("date", "kind", "name", "scope", "unit", "legal_ref", "source", "confirmed")
    list_filter = ("kind", "scope", "source", "confirmed")
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
