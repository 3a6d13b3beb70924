"""Screenshot and PDF of a captured page, rendered by the system Chromium through Playwright.

Chromium never touches the network itself: every request it makes is answered here. The page
is the body the safe fetcher already brought back (so the picture shows the bytes the WARC
holds), and each image, style sheet or script it asks for goes through the same safe fetcher, so a
page cannot make the worker's browser reach a private address either.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from django.conf import settings
from playwright.sync_api import ViewportSize

from captures import fetcher

VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# A page may ask for many files; past this many the rest are left out of the picture.
MAX_SUBRESOURCES = 150
SUBRESOURCE_MAX_BYTES = 8 * 1024 * 1024
SUBRESOURCE_TIMEOUT_SECONDS = 10
RENDER_TIMEOUT_MS = 30_000
CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class RenderUnavailable(Exception):
    """No screenshot or PDF could be made; the message says why, for the capture's reason."""


@dataclass
class Rendering:
    screenshot: bytes
    pdf: bytes
    browser_version: str


def chromium_path() -> str | None:
    if settings.CHROMIUM:
        return settings.CHROMIUM if os.access(settings.CHROMIUM, os.X_OK) else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def render(url: str, body: bytes, media_type: str) -> Rendering:
    """Render `body`, served as if from `url`, to a full-page PNG and a PDF."""
    executable = chromium_path() if settings.CAPTURE_BROWSER else None
    if executable is None:
        raise RenderUnavailable("No screenshot or PDF: there is no Chromium on the worker's machine.")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - playwright is a runtime dependency
        raise RenderUnavailable("No screenshot or PDF: Playwright is not installed on the worker.") from error

    fetched_count = 0

    def answer(route):
        nonlocal fetched_count
        request = route.request
        if request.url.split("#")[0] == url:
            route.fulfill(status=200, body=body, headers={"content-type": media_type or "text/html"})
            return
        fetched_count += 1
        if fetched_count > MAX_SUBRESOURCES or not request.url.startswith(("http://", "https://")):
            route.abort()
            return
        try:
            hop = fetcher.fetch(request.url, max_bytes=SUBRESOURCE_MAX_BYTES, timeout=SUBRESOURCE_TIMEOUT_SECONDS).final
            decoded = hop.decoded_body()
        except fetcher.FetchError:
            route.abort()
            return
        headers = {"content-type": hop.media_type or "application/octet-stream"}
        route.fulfill(status=hop.status, body=decoded, headers=headers)

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport=VIEWPORT, service_workers="block")
                page = context.new_page()
                page.route("**/*", answer)
                page.goto(url, wait_until="load", timeout=RENDER_TIMEOUT_MS)
                screenshot = page.screenshot(full_page=True, timeout=RENDER_TIMEOUT_MS)
                pdf = page.pdf(print_background=True)
                return Rendering(screenshot=screenshot, pdf=pdf, browser_version=browser.version)
            finally:
                browser.close()
    except PlaywrightError as error:
        first_line = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        raise RenderUnavailable(f"No screenshot or PDF: Chromium could not render the page ({first_line}).") from error
