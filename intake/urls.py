from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("intake/", views.intake_story, name="story"),
    path("intake/log/", views.intake_log, name="log"),
]
