from django.contrib import admin

from minhbach.units.models import AdministrativeUnit, Agency, UnitSuccession, WorkingHours


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "type", "parent", "valid_from", "valid_to")
    list_filter = ("level", "type")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("old_unit", "new_unit", "kind", "effective_date", "legal_basis")
    list_filter = ("kind", "effective_date")
    raw_id_fields = ("old_unit", "new_unit")


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "electronic_code", "kind", "administrative_unit", "cutoff_enabled", "cutoff_time")
    list_filter = ("kind",)
    search_fields = ("name", "electronic_code", "slug")
    raw_id_fields = ("administrative_unit", "parent")
    readonly_fields = ("path",)
    inlines = [WorkingHoursInline]
