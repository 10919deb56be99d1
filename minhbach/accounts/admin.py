from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from minhbach.accounts.models import Membership, Official, User

admin.site.register(User, UserAdmin)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("agency",)


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ("full_name", "gender", "position", "user")
    list_filter = ("gender",)
    search_fields = ("full_name", "user__username")
    raw_id_fields = ("user",)
    inlines = [MembershipInline]
