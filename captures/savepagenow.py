"""The Internet Archive's Save Page Now (SPN2): a second, third-party copy of a source, when the desk
turns it on (SAVE_PAGE_NOW=1 and the archive.org keys; off by default).

The desk asks the Archive to capture the address, waits for the job, and keeps the snapshot's URL
with its own capture. The endpoint is the operator's setting, not user input, so it is called
directly rather than through the safe fetcher. Tests use a stand-in server on 127.0.0.1.
"""

from __future__ import annotations

import time

import httpx
from django.conf import settings

POLL_SECONDS = 3
POLL_TIMES = 40  # about two minutes, as long as the Archive usually needs


class SavePageNowError(Exception):
    pass


def enabled() -> bool:
    return settings.SAVE_PAGE_NOW


def submit(url: str, *, poll_seconds: float = POLL_SECONDS) -> str:
    """Ask for a snapshot of `url` and return its address; SavePageNowError says why there is none."""
    base = settings.SAVE_PAGE_NOW_URL
    headers = {
        "Accept": "application/json",
        "Authorization": f"LOW {settings.SAVE_PAGE_NOW_ACCESS_KEY}:{settings.SAVE_PAGE_NOW_SECRET_KEY}",
    }
    try:
        with httpx.Client(timeout=30, headers=headers, trust_env=False) as client:
            answer = client.post(f"{base}/save", data={"url": url}).raise_for_status().json()
            job_id = answer.get("job_id")
            if not job_id:
                raise SavePageNowError(
                    f"No Internet Archive snapshot: {answer.get('message') or 'no job was started'}."
                )
            for _ in range(POLL_TIMES):
                status = client.get(f"{base}/save/status/{job_id}").raise_for_status().json()
                if status.get("status") == "success":
                    return f"{base}/web/{status['timestamp']}/{status.get('original_url') or url}"
                if status.get("status") == "error":
                    why = status.get("message") or status.get("status_ext") or "it failed"
                    raise SavePageNowError(f"No Internet Archive snapshot: {why}.")
                time.sleep(poll_seconds)
    except (httpx.HTTPError, ValueError, KeyError) as error:
        raise SavePageNowError(f"No Internet Archive snapshot: the Archive could not be asked ({error}).") from error
    raise SavePageNowError("No Internet Archive snapshot: the Archive did not finish in time.")
