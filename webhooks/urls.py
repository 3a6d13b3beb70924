from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.endpoint_list, name="list"),
    path("webhooks/<int:pk>/", views.endpoint_detail, name="detail"),
    path("webhooks/<int:pk>/enabled/", views.endpoint_enabled, name="enabled"),
    path("webhooks/<int:pk>/delete/", views.endpoint_delete, name="delete"),
    path("webhooks/<int:pk>/test/", views.endpoint_test, name="test"),
]
