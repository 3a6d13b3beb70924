from django.contrib import admin

from webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "description", "enabled", "created_at"]
    exclude = ["secret"]  # shown to editors on the endpoint's page, not in the admin's lists


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["message_id", "endpoint", "event_type", "state", "attempts", "created_at"]
    list_filter = ["state", "event_type"]
    list_select_related = ["endpoint"]
    readonly_fields = [field.name for field in Delivery._meta.fields]
