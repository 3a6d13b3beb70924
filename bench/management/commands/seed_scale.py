"""Fill the desk with synthetic data at scale for benchmarks: `manage.py seed_scale --claims 1000000`.

The generator is bench.seeding; this command checks that the database may be written to and reports
what was loaded. A database that already has claims is refused unless --append (add to them) or
--reset (empty the desk's tables first; users, groups and permissions stay) says what to do.

A development command of the bench app, so it exists only where settings install that app: with DEBUG
or BENCHMARK on (docs/architecture.md, "Benchmarks and synthetic data").
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.seeding import CLAIMS_PER_CHUNK, TWENTY_LINKS, Options, ScaleSeed, SeedRefused, desk_has_rows
from claims.models import Claim
from claims.reports import IsoWeek


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


class Command(BaseCommand):
    help = "Fill the database with realistic synthetic claims, evidence, reviews and audit history (COPY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=positive, required=True, help="How many claims to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")
        parser.add_argument(
            "--busy-week",
            metavar="YYYY-Www",
            help="The week holding a tenth of the verdicts (default: the last complete ISO week).",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--append", action="store_true", help="Add to the claims already there.")
        mode.add_argument("--reset", action="store_true", help="Empty the desk's tables first (users and groups stay).")
        parser.add_argument("--chunk", type=positive, default=CLAIMS_PER_CHUNK, help="Claims per COPY batch.")
        parser.add_argument(
            "--no-vacuum", action="store_true", help="Only ANALYZE afterwards (no VACUUM for the visibility map)."
        )

    def handle(self, *args, **options) -> None:
        try:
            busy_week = IsoWeek.parse(options["busy_week"]) if options["busy_week"] else None
        except ValueError as error:
            raise CommandError(f"--busy-week: {error}") from error
        if options["reset"]:
            mode = "reset"
        elif options["append"]:
            mode = "append"
        elif Claim.objects.exists():
            raise CommandError(
                "This database already has claims. Use --append to add to them or --reset to replace the desk's "
                "data (users, groups and permissions stay)."
            )
        else:
            # No claims yet: keep whatever affiliations, outlets or tags someone set up, if any.
            mode = "append" if desk_has_rows() else "fresh"
        seed_options = Options(
            claims=options["claims"],
            seed=options["seed"],
            busy_week=busy_week,
            chunk=options["chunk"],
            vacuum=not options["no_vacuum"],
        )
        try:
            seed = ScaleSeed(seed_options, mode=mode, say=self.stdout.write)
            result = seed.run()
        except SeedRefused as error:
            raise CommandError(str(error)) from error
        width = max(len(name) for name in result.counts)
        self.stdout.write("Rows now in the desk's tables:")
        for name, count in result.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.claims:,} claims (ids from {result.first_claim_id}) "
                f"in {result.timings['total']:.1f} s. "
                f"Busy week: {result.busy_week} with {result.busy_verdicts:,} verdicts. "
                f"Claim with {TWENTY_LINKS} evidence links: {result.twenty_link_claim_id}."
            )
        )
