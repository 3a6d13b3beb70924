"""Personal access tokens for the JSON API (docs/api.md).

A token is shown once, when it is made; the desk keeps only its SHA-256 (a token is 32 random bytes, so
a plain hash cannot be reversed by guessing) and its first characters, so people can tell their tokens
apart. A token acts as its person, with their roles as they are at each request.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

TOKEN_PREFIX = "nd_"  # noqa: S105 - how the desk's tokens start (secret scanners look for it), not a secret
SHOWN_CHARACTERS = 8  # of the token, after the prefix, on the settings page


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenUse:
    """A request made with a live token: whose it is, and whether it is over the rate limit."""

    token_id: int
    user_id: int
    retry_after: int  # seconds until the window opens again; 0 when the request may go ahead


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def issue(self, *, user, name: str) -> tuple[ApiToken, str]:
        """A new token for `user`: the row, and the token itself (to show once; it is not kept)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = self.create(
            user=user, name=name, shown=token[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS], digest=digest_of(token)
        )
        return row, token

    def use(self, token: str) -> TokenUse | None:
        """Count one request on a live token and say whose it is; None for a wrong or revoked token.

        One statement records the time of use and counts the request in the token's rate-limit window
        (API_RATE_LIMIT requests per API_RATE_WINDOW_SECONDS), so every server process shares the count.
        """
        window = settings.API_RATE_WINDOW_SECONDS
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {ApiToken._meta.db_table} SET
                    last_used_at = now(),
                    window_requests = CASE WHEN window_started_at > now() - make_interval(secs => %(window)s)
                                           THEN window_requests + 1 ELSE 1 END,
                    window_started_at = CASE WHEN window_started_at > now() - make_interval(secs => %(window)s)
                                             THEN window_started_at ELSE now() END
                WHERE digest = %(digest)s AND revoked_at IS NULL
                RETURNING id, user_id, window_requests,
                          extract(epoch FROM window_started_at + make_interval(secs => %(window)s) - now())
                """,  # noqa: S608 - the table name is the model's own; the values are parameters
                {"window": window, "digest": digest_of(token)},
            )
            row = cursor.fetchone()
        if row is None:
            return None
        token_id, user_id, requests, seconds_left = row
        over = requests > settings.API_RATE_LIMIT
        return TokenUse(token_id, user_id, max(1, math.ceil(seconds_left)) if over else 0)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “Newsroom CMS”.")
    shown = models.CharField(max_length=20, help_text="The token's first characters, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The rate limit's current window (ApiTokenQuerySet.use).
    window_started_at = models.DateTimeField(null=True, blank=True)
    window_requests = models.PositiveIntegerField(default=0)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.shown}…)"

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
