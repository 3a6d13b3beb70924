from django.contrib import admin

from captures.models import Artifact, Capture, LinkWatch
from claims.admin import ShownNotWritten


class ArtifactInline(ShownNotWritten, admin.TabularInline):
    model = Artifact
    fields = readonly_fields = ("kind", "name", "sha256", "size", "media_type", "created_at")
    extra = 0


@admin.register(Capture)
class CaptureAdmin(ShownNotWritten, admin.ModelAdmin):
    """Captures are evidence of what a source said: written only by the worker, never edited."""

    list_display = ["id", "source", "state", "http_status", "requested_at", "finished_at"]
    list_filter = ["state"]
    search_fields = ["source__url", "final_url"]
    list_select_related = ["source"]
    inlines = [ArtifactInline]
    readonly_fields = [field.name for field in Capture._meta.fields]


@admin.register(LinkWatch)
class LinkWatchAdmin(ShownNotWritten, admin.ModelAdmin):
    list_display = ["source", "last_checked_at", "last_status", "gone_since", "changed_since"]
    list_filter = [("gone_since", admin.EmptyFieldListFilter), ("changed_since", admin.EmptyFieldListFilter)]
    list_select_related = ["source"]
    readonly_fields = [field.name for field in LinkWatch._meta.fields]
