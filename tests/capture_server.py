"""A real HTTP server on this machine for the capture tests: pages, files, redirects, errors,
slow and oversized answers, and a stand-in for the Internet Archive's Save Page Now.

Each test gets a `LocalSite` bound to 127.0.0.1 (or another loopback address) on a free port; its
pages are set per test through `site.pages`, so a test can change a page between two visits.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import threading
import time
from dataclasses import dataclass, field

# A one-pixel PNG: a real image file for "the URL is not HTML".
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

BRIEFING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Daily briefing, 15 May 2024</title>
<link rel="stylesheet" href="/style.css"></head>
<body><nav>Home · Briefings · Contact</nav>
<article><h1>Daily briefing, 15 May 2024</h1>
<p>Air defence units shot down ten missiles over the peninsula overnight, the ministry said in its
daily briefing on Wednesday morning, adding that none of them reached its target.</p>
<p>The ministry also said its units had taken better positions near the town, a statement that
independent observers have not been able to confirm from satellite images or front-line reports.</p>
<img src="/pixel.png" alt="map"></article>
<footer>© The ministry</footer></body></html>
"""


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts


class LocalSite:
    def __init__(self, host: str = "127.0.0.1"):
        self.pages: dict[str, Page] = {
            "/briefing.html": Page(BRIEFING.encode()),
            "/style.css": Page(b"body { font-family: serif; } h1 { color: #a00; }", content_type="text/css"),
            "/pixel.png": Page(PIXEL_PNG, content_type="image/png"),
            "/missing": Page(b"<h1>Not found</h1>", status=404),
            "/gone": Page(b"<h1>Gone</h1>", status=410),
            "/broken": Page(b"<h1>Server error</h1>", status=500),
        }
        self.requests: list[str] = []
        self.spn_jobs: dict[str, str] = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                site.requests.append(self.path)
                if self.path.startswith("/save/status/"):
                    job = self.path.rsplit("/", 1)[-1]
                    original = site.spn_jobs.get(job)
                    body = (
                        f'{{"status": "success", "timestamp": "20240515120000", "original_url": "{original}"}}'
                        if original
                        else '{"status": "error", "message": "unknown job"}'
                    )
                    return self._send(Page(body.encode(), content_type="application/json"))
                page = site.pages.get(self.path)
                if page is None:
                    return self._send(Page(b"<h1>Not found</h1>", status=404))
                return self._send(page)

            def do_POST(self):
                site.requests.append(f"POST {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                form = self.rfile.read(length).decode()
                if self.path == "/save" and self.headers.get("Authorization") == "LOW access:secret":
                    from urllib.parse import parse_qs

                    job = f"spn2-{len(site.spn_jobs) + 1}"
                    site.spn_jobs[job] = parse_qs(form)["url"][0]
                    return self._send(Page(f'{{"job_id": "{job}"}}'.encode(), content_type="application/json"))
                return self._send(Page(b'{"message": "no"}', status=401, content_type="application/json"))

            def _send(self, page: Page):
                if page.delay:
                    time.sleep(page.delay)
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(page.body)

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.host = host
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        self.pages[path] = Page(b"", status=status, headers={"Location": to})

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
