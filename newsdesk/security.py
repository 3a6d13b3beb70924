"""Who is asking: the client address used by login throttling and the failed-sign-in log."""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

log = logging.getLogger("newsdesk.security")


def client_ip(request, credentials=None) -> str:
    """The client's address: the peer, or the one our own proxies recorded in X-Forwarded-For.

    Only the entries our proxies appended are trusted (TRUSTED_PROXY_COUNT of them, counted from the
    right); whatever a client wrote into the header itself sits further left and is ignored.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return peer


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    # Never the password: Django has already masked it, and we only take the username.
    log.warning(
        "login.failed",
        extra={
            "event": "login.failed",
            "username": str(credentials.get("username", ""))[:150],
            "ip": client_ip(request) if request is not None else None,
            "path": request.path if request is not None else None,
        },
    )
