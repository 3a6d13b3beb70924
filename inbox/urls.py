from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("inbox/", views.inbox_list, name="list"),
    path("inbox/count/", views.inbox_count, name="count"),
    path("inbox/read/", views.inbox_mark_all_read, name="read_all"),
    path("inbox/<int:pk>/read/", views.inbox_mark_read, name="read"),
    path("inbox/settings/", views.inbox_settings, name="settings"),
]
