"""Note which claims read like each other, for claims logged before the desk did it on every write
(or after a change of the likeness rule). Each claim costs one search of the desk."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from claims import duplicates
from claims.models import Claim


class Command(BaseCommand):
    help = "Find and store the likely duplicates of every claim on the desk (claims/duplicates.py)."

    def handle(self, *args, **options) -> None:
        found = 0
        for claim in Claim.objects.on_desk().order_by("pk").iterator(chunk_size=500):
            found += len(duplicates.record_for(claim))
        self.stdout.write(f"Likely duplicates noted: {found} links.")
