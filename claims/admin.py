from __future__ import annotations

from django.contrib import admin

from claims.models import Affiliation, Claim, Claimant, ClaimTag, Evidence, Outlet, Review, Source, Tag


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


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "kind", "published_at", "added_at"]
    list_filter = ["kind", "outlet"]
    list_select_related = ["outlet"]
    search_fields = ["url", "title", "outlet__name"]
    autocomplete_fields = ["outlet"]
    raw_id_fields = ["added_by"]
    date_hierarchy = "added_at"


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["source"]
    raw_id_fields = ["added_by"]


class ClaimTagInline(admin.TabularInline):
    model = ClaimTag
    extra = 0
    autocomplete_fields = ["tag"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["text", "claimant", "status", "priority", "assignee", "claimed_on", "created_at"]
    list_filter = ["status", "priority", "claimed_on", "claimant__affiliation", "tags"]
    list_select_related = ["claimant", "assignee"]
    search_fields = ["text", "quote", "claimant__name"]
    autocomplete_fields = ["claimant"]
    raw_id_fields = ["assignee"]
    readonly_fields = ["status", "version", "created_by", "created_at", "updated_by", "updated_at"]
    date_hierarchy = "claimed_on"
    inlines = [ClaimTagInline, EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
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
    raw_id_fields = ["claim", "proposed_by", "decided_by"]
    date_hierarchy = "proposed_at"
