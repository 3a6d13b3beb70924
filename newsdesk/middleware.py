"""Signed-in answers stay out of every cache but the page in front of the person who asked."""

from __future__ import annotations

from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    """Cache-Control: private, no-store on every response to a signed-in user.

    What a signed-in person sees (unpublished verdicts, who reached them, proposals in review, the
    exports) must not outlive their session: without this a browser keeps pages and downloads in its
    disk cache after sign-out, where the next person at a shared newsroom machine can read them, and
    a shared proxy may keep them too. Any max-age a view set gives way. Pages for anonymous visitors
    (the sign-in page) hold nothing of that and are left as they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
