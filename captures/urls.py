from django.urls import path

from captures import views

app_name = "captures"

urlpatterns = [
    path("sources/<int:pk>/captures/", views.source_captures, name="source_captures"),
    path("captures/files/<int:pk>/", views.artifact_download, name="artifact"),
]
