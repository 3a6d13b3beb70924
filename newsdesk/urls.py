from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from api import views as api_views
from api.api import api
from claims.views.health import healthz


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Pages name their icon; browsers and the admin still ask for /favicon.ico."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("", include("claims.urls")),
    path("", include("captures.urls")),
    path("", include("inbox.urls")),
    path("", include("webhooks.urls")),
    path("", include("intake.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("settings/tokens/", api_views.token_list, name="api_tokens"),
    path("settings/tokens/<int:pk>/revoke/", api_views.token_revoke, name="api_token_revoke"),
]

if settings.BENCHMARK:
    # The bench app is installed whenever BENCHMARK is on (newsdesk/settings.py).
    from bench.views import bare_list

    urlpatterns.append(path("bench/bare/", bare_list, name="bench_bare"))

handler403 = "newsdesk.errors.permission_denied"
