"""Read-mostly admin: writes go through services (history and ledger), so nothing is editable here."""

from django.contrib import admin

from minhbach.feedback.models import Feedback, FeedbackEvent, FeedbackFollowUp


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_state", "to_state", "at", "actor", "agency", "note", "late")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class FeedbackFollowUpInline(admin.TabularInline):
    model = FeedbackFollowUp
    extra = 0
    can_delete = False
    readonly_fields = ("received_at", "sender_name", "sender_phone", "text")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("code", "agency", "category", "state", "received_at", "published_at")
    list_filter = ("state", "category", "channel")
    search_fields = ("code",)
    inlines = [FeedbackEventInline, FeedbackFollowUpInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
