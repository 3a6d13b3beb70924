from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("claims/", views.claim_list, name="list"),
    path("claims/<int:pk>/", views.claim_detail, name="detail"),
]
