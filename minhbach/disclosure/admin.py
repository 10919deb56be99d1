"""Read-only admin: writes go through services (due dates from the rule set, ledger entries)."""

from django.contrib import admin

from minhbach.disclosure.models import Article, PublicationItem, UnitContact


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicationItem)
class PublicationItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "agency", "kind", "trigger_ref", "due_at", "published_at")
    list_filter = ("kind",)
    search_fields = ("title", "trigger_ref")


@admin.register(UnitContact)
class UnitContactAdmin(ReadOnlyAdmin):
    list_display = ("agency", "kind", "name", "phone", "valid_from", "valid_to", "confirmed_at")
    list_filter = ("kind",)


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ("title", "agency", "category", "published_at")
    list_filter = ("category",)
    search_fields = ("title",)
