from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from claims.views.health import healthz

urlpatterns = [
    path("", include("claims.urls")),
    path("", include("captures.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK:
    # The bench app is installed whenever BENCHMARK is on (newsdesk/settings.py).
    from bench.views import bare_list

    urlpatterns.append(path("bench/bare/", bare_list, name="bench_bare"))

handler403 = "newsdesk.errors.permission_denied"
