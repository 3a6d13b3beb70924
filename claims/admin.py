from __future__ import annotations

from django.contrib import admin

from claims.models import (
    Affiliation,
    Appearance,
    Claim,
    Claimant,
    ClaimTag,
    Correction,
    Evidence,
    Outlet,
    ReportExport,
    Review,
    Source,
    Tag,
)


class ShownNotWritten:
    """Rows a verdict rests on are written through the desk's workflow (claims/workflow.py), where
    roles, evidence gates, corrections and the second pair of eyes are enforced; the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "affiliation"]
    list_filter = ["kind", "affiliation"]
    list_select_related = ["affiliation"]
    search_fields = ["name", "description"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "affiliation"]
    list_filter = ["affiliation"]
    list_select_related = ["affiliation"]
    search_fields = ["name", "domain"]


def _record_who_added(item, user) -> None:
    if hasattr(item, "added_by_id") and item.added_by_id is None:
        item.added_by = user


class RecordsWhoAddedMixin:
    """Fills `added_by` with the person working in the admin, as the desk's own forms do."""

    def save_model(self, request, obj, form, change):
        _record_who_added(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            _record_who_added(item, request.user)
            item.save()
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()


@admin.register(Source)
class SourceAdmin(RecordsWhoAddedMixin, admin.ModelAdmin):
    list_display = ["__str__", "outlet", "kind", "published_at", "added_at"]
    list_filter = ["kind", "outlet"]
    list_select_related = ["outlet"]
    search_fields = ["url", "title", "outlet__name"]
    autocomplete_fields = ["outlet"]
    raw_id_fields = ["added_by"]
    date_hierarchy = "added_at"


class EvidenceInline(ShownNotWritten, admin.TabularInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["source"]
    raw_id_fields = ["added_by"]


class ClaimTagInline(ShownNotWritten, admin.TabularInline):
    model = ClaimTag
    extra = 0
    autocomplete_fields = ["tag"]


@admin.register(Claim)
class ClaimAdmin(ShownNotWritten, admin.ModelAdmin):
    list_display = ["text", "claimant", "status", "priority", "assignee", "claimed_on", "created_at"]
    list_filter = ["status", "priority", "claimed_on", "claimant__affiliation", "tags"]
    list_select_related = ["claimant", "assignee"]
    search_fields = ["text", "quote", "claimant__name"]
    date_hierarchy = "claimed_on"
    inlines = [ClaimTagInline, EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(ShownNotWritten, admin.ModelAdmin):
    list_display = ["claim", "source", "stance", "repeats_claimant", "added_by", "added_at"]
    list_filter = ["stance", "repeats_claimant", "source__outlet"]
    list_select_related = ["claim", "source", "added_by"]
    search_fields = ["claim__text", "source__url", "source__title", "excerpt"]
    autocomplete_fields = ["source"]
    raw_id_fields = ["claim", "added_by"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["claim", "previous_status", "proposed_status", "decision", "proposed_by", "proposed_at"]
    list_filter = ["decision", "proposed_status", "previous_status"]
    list_select_related = ["claim", "proposed_by"]
    search_fields = ["claim__text", "rationale", "decision_note"]
    date_hierarchy = "proposed_at"

    # Reviews are proposed and decided on the desk, where the four-eyes rule and the evidence
    # gates are enforced and an approval changes the claim's status; the admin only shows them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appearance)
class AppearanceAdmin(ShownNotWritten, admin.ModelAdmin):
    list_display = ["claim", "claimant", "appeared_on", "origin_url", "added_by", "added_at"]
    list_select_related = ["claim", "claimant", "added_by"]
    search_fields = ["claim__text", "claimant__name", "quote", "origin_url"]


@admin.register(Correction)
class CorrectionAdmin(ShownNotWritten, admin.ModelAdmin):
    list_display = ["claim", "status", "reason", "made_by", "made_at"]
    list_filter = ["status"]
    list_select_related = ["claim", "made_by"]
    search_fields = ["claim__text", "reason"]
    date_hierarchy = "made_at"


@admin.register(ReportExport)
class ReportExportAdmin(ShownNotWritten, admin.ModelAdmin):
    """Report files are queued from the report's page and written by a worker (claims/exports.py)."""

    list_display = ["week", "format", "state", "progress", "requested_by", "requested_at", "finished_at", "size"]
    list_filter = ["format", "state"]
    list_select_related = ["requested_by"]
    search_fields = ["week", "sha256"]
    date_hierarchy = "requested_at"
