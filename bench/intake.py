"""Intake benchmark: how well intake finds a story's attributed claims, and how fast it reads a long one.

    .venv/bin/python bench/intake.py [--runs 30] [--words 1000] [--misses] [--no-doc]

Accuracy: every story of the thirteen annotated sets (tests/intake_stories/ and its folders held_out/, blind/,
unseen/, final/, closing/, last/, verify/, fresh/, sealed/, untouched/, reserve/, spare/), written for the desk,
each with its attributed claims, claimants and claimed dates (the README says how they are annotated,
docs/intake.md which set was used how), is read by intake.extraction.extract() against a desk that holds the
demo desk's claimants (the database `newsdesk_bench_intake` on the embedded PostgreSQL, or DATABASE_URL; the
names and aliases of claims/demo_data.py). Per language:
- recall: annotated claims found (a candidate whose sentence holds the annotation's sentence) / annotated;
- precision: candidates that are annotated claims / candidates;
- claimant: found claims whose claimant is the annotated one (its registry entry, its name or another
  spelling the annotation accepts, or the same name in the other script) / found;
- date: found claims whose claimed date is the annotated one / found.
--misses prints every miss, for working on the rules.

Speed: a story of about --words words (the English stories, one after another, and three sentences that
repeat claims of the desk) is extracted --runs times,
duplicate look-up included, against the million-claim desk of the scale benchmark (`newsdesk_scale`,
seeded by bench/scale.py or `manage.py seed_scale` if it is missing), in this process after one warm-up run.

Prints the tables and writes them to the "Intake" section of docs/benchmarks.md (--no-doc leaves it alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, production_environment, write_doc_section  # noqa: E402

STORIES = ROOT / "tests" / "intake_stories"
# The later sets, in the order they were written (docs/intake.md, "Measured"). Each was read once blind, then
# used to correct the rules, except the last: written after the last correction and never used to change
# them, its row is the current figure for stories the rules have not seen.
LATER_SETS = ["held_out", "blind", "unseen", "final", "closing", "last", "verify", "fresh", "sealed", "untouched",
              "reserve", "spare"]  # fmt: skip
SETS = {"annotated set": STORIES} | {f"{folder.replace('_', '-')} set": STORIES / folder for folder in LATER_SETS}
# Each later set's one blind reading, before the rules were corrected on it: recall, precision, claimant, date.
FIRST_READINGS = {
    "held-out": {"en": (0.86, 1.00, 0.94, 0.90), "uk": (0.88, 1.00, 1.00, 0.87), "ru": (0.89, 1.00, 0.82, 0.76)},
    "blind": {"en": (0.98, 1.00, 0.88, 0.90), "uk": (0.93, 1.00, 0.92, 1.00), "ru": (0.88, 0.94, 0.80, 1.00)},
    "unseen": {"en": (0.84, 1.00, 0.84, 0.84), "uk": (0.75, 1.00, 1.00, 1.00), "ru": (0.72, 1.00, 0.85, 0.77)},
    "final": {"en": (0.87, 1.00, 0.94, 0.94), "uk": (0.81, 1.00, 0.92, 0.85), "ru": (0.78, 1.00, 0.71, 0.50)},
    "closing": {"en": (0.94, 0.97, 0.90, 0.90), "uk": (0.76, 1.00, 0.81, 0.94), "ru": (0.77, 1.00, 0.75, 0.85)},
    "last": {"en": (0.92, 1.00, 0.82, 1.00), "uk": (0.96, 1.00, 0.88, 0.88), "ru": (0.95, 1.00, 0.71, 0.76)},
    "verify": {"en": (0.92, 1.00, 0.88, 0.92), "uk": (0.97, 1.00, 0.82, 0.96), "ru": (0.80, 1.00, 0.75, 1.00)},
    "fresh": {"en": (0.92, 0.95, 0.97, 0.89), "uk": (0.90, 0.95, 0.84, 0.92), "ru": (0.92, 0.98, 0.94, 0.91)},
    "sealed": {"en": (0.95, 1.00, 0.88, 1.00), "uk": (0.84, 0.97, 0.78, 0.97), "ru": (0.78, 1.00, 0.86, 0.97)},
    "untouched": {"en": (0.96, 1.00, 0.98, 0.98), "uk": (0.95, 0.97, 1.00, 0.97), "ru": (0.91, 0.98, 0.88, 0.98)},
    "reserve": {"en": (0.89, 0.98, 0.88, 0.95), "uk": (0.96, 1.00, 0.89, 0.95), "ru": (0.89, 0.93, 0.85, 0.97)},
}
SECTION = "## Intake"
ACCURACY_DATABASE = "newsdesk_bench_intake"
SCALE_DATABASE = "newsdesk_scale"
SCALE_CLAIMS = 1_000_000
TARGETS = {"recall": 0.90, "precision": 0.80, "claimant": 0.90, "date": 0.90}
TIME_TARGET_MS = 300
LANGUAGES = {"en": "English", "uk": "Ukrainian", "ru": "Russian"}


@dataclass(frozen=True)
class Annotated:
    sentence: str
    claimant: str
    claimant_also: tuple[str, ...]
    claimed_on: dt.date
    quote: str


@dataclass(frozen=True)
class Story:
    name: str
    language: str
    published: dt.date
    dateline: str
    text: str
    claims: tuple[Annotated, ...]


def load_stories(folder: Path = STORIES) -> list[Story]:
    stories = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        claims = tuple(
            Annotated(
                sentence=claim["sentence"],
                claimant=claim["claimant"],
                claimant_also=tuple(claim.get("claimant_also", ())),
                claimed_on=dt.date.fromisoformat(claim["claimed_on"]),
                quote=claim.get("quote", ""),
            )
            for claim in data.get("claims", [])
        )
        stories.append(
            Story(
                name=path.stem,
                language=data["language"],
                published=dt.date.fromisoformat(data["published"]),
                dateline=data.get("dateline", ""),
                text=data["text"],
                claims=claims,
            )
        )
    return stories


@dataclass
class Tally:
    annotated: int = 0
    candidates: int = 0
    found: int = 0  # annotated claims with a candidate
    right_claimant: int = 0
    right_date: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "recall": self.found / self.annotated if self.annotated else 0.0,
            "precision": self.found / self.candidates if self.candidates else 0.0,
            "claimant": self.right_claimant / self.found if self.found else 0.0,
            "date": self.right_date / self.found if self.found else 0.0,
        }


def same_claimant(guess, annotated: Annotated) -> bool:
    """Whether intake's claimant is the annotated one: the same registry entry, or the same name in any
    spelling the annotation accepts, in either script."""
    from rapidfuzz import fuzz

    from claims import spelling
    from intake.claimants import registry

    names = [annotated.claimant, *annotated.claimant_also]
    if guess.id is not None:
        return any(getattr(registry().find(name), "id", None) == guess.id for name in names)
    for name in names:
        for ours in spelling.latin_forms(guess.name):
            for theirs in spelling.latin_forms(name):
                if ours == theirs or fuzz.token_sort_ratio(ours, theirs) >= 85:
                    return True
    return False


def score(stories: list[Story]) -> dict[str, Tally]:
    """Each language's tally over the stories (extraction without the duplicate look-up)."""
    from intake.extraction import extract

    tallies = {language: Tally() for language in LANGUAGES}
    for story in stories:
        tally = tallies[story.language]
        extraction = extract(story.text, story.published, dateline=story.dateline, duplicates=False)
        tally.annotated += len(story.claims)
        tally.candidates += len(extraction.candidates)
        matched: set[int] = set()
        for claim in story.claims:
            where = extraction.text.find(claim.sentence)
            hit = next(
                (
                    index
                    for index, candidate in enumerate(extraction.candidates)
                    if index not in matched and candidate.start <= where < candidate.end
                ),
                None,
            )
            if hit is None:
                tally.misses.append(f"{story.name}: not found: {claim.sentence!r} ({claim.claimant})")
                continue
            matched.add(hit)
            candidate = extraction.candidates[hit]
            tally.found += 1
            if same_claimant(candidate.claimant, claim):
                tally.right_claimant += 1
            else:
                tally.misses.append(
                    f"{story.name}: claimant {candidate.claimant.name!r} (said as {candidate.claimant.said_as!r}),"
                    f" annotated {claim.claimant!r}: {claim.sentence!r}"
                )
            if candidate.claimed_on == claim.claimed_on:
                tally.right_date += 1
            else:
                tally.misses.append(
                    f"{story.name}: date {candidate.claimed_on}, annotated {claim.claimed_on}: {claim.sentence!r}"
                )
        for index, candidate in enumerate(extraction.candidates):
            if index not in matched:
                tally.misses.append(
                    f"{story.name}: extra candidate ({candidate.claimant.name}): {candidate.sentence[:120]!r}"
                )
    return tallies


def long_story(words: int) -> tuple[str, dt.date]:
    """The English stories one after another until about `words` words, each as published."""
    parts: list[str] = []
    for story in load_stories():
        if story.language == "en" and sum(len(part.split()) for part in parts) < words:
            parts.append(story.text.strip())
    text = "\n\n".join(parts)
    return " ".join(text.split(" ")[: max(words, 1)]) if len(text.split()) > words else text, dt.date(2024, 5, 15)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()


def accuracy_child(show_misses: bool) -> None:
    """In the accuracy database: the demo desk's claimants, then every story scored (JSON on stdout)."""
    setup_django()
    from django.core.management import call_command

    from claims.demo_data import CLAIMANTS
    from claims.models import Claimant

    call_command("migrate", "--no-input", verbosity=0)
    for claimant in CLAIMANTS:  # the registry: the demo desk's claimants with their aliases, nothing else
        Claimant.objects.update_or_create(
            name=claimant.name, defaults={"kind": claimant.kind, "aliases": list(claimant.aliases)}
        )
    result = {}
    for name, folder in SETS.items():
        stories = load_stories(folder)
        tallies = score(stories)
        if show_misses:
            for tally in tallies.values():
                for miss in tally.misses:
                    print(f"[{name}] {miss}", file=sys.stderr)
        result[name] = {
            language: {
                **tally.figures(),
                "stories": sum(story.language == language for story in stories),
                "annotated": tally.annotated,
                "candidates": tally.candidates,
            }
            for language, tally in tallies.items()
        }
    print(json.dumps(result))


def speed_child(runs: int, words: int) -> None:
    """In the million-claim database: the long story extracted `runs` times, timed (JSON on stdout)."""
    setup_django()
    from django.core.management import call_command

    from claims.models import Claim
    from intake.extraction import extract

    call_command("migrate", "--no-input", verbosity=0)
    claims = Claim.objects.count()
    if claims < SCALE_CLAIMS:
        print(f"Seeding {SCALE_CLAIMS:,} claims into {SCALE_DATABASE} (about ten minutes).", file=sys.stderr)
        call_command("seed_scale", claims=SCALE_CLAIMS, reset=True)
        claims = Claim.objects.count()
    text, published = long_story(words)
    # Three claims the desk already has, as the story repeats them (an old one, a middle one, the newest),
    # so the look-up has duplicates to find among the million.
    repeated = Claim.objects.filter(pk__in=[1_000, claims // 2, claims]).values_list("text", flat=True)
    text += "\n\n" + "\n\n".join(f"Officials said that {claim[0].lower()}{claim[1:]}" for claim in repeated)
    extract(text, published)  # warm-up: the registry, the vocabulary, the splitters' rules
    times = []
    candidates = duplicates = 0
    for _ in range(runs):
        began = time.perf_counter()
        extraction = extract(text, published)
        times.append((time.perf_counter() - began) * 1000)
        candidates = len(extraction.candidates)
        duplicates = sum(len(candidate.duplicates) for candidate in extraction.candidates)
    times.sort()
    print(
        json.dumps(
            {
                "claims": claims,
                "words": len(text.split()),
                "candidates": candidates,
                "duplicates": duplicates,
                "runs": runs,
                "p50": statistics.median(times),
                "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            }
        )
    )


def child(arguments: list[str], database: str) -> dict:
    env = production_environment(database) | {"BENCHMARK": "1"}  # the bench app: seed_scale, when it must seed
    done = subprocess.run(  # noqa: S603 - this script, run again with its own arguments
        [sys.executable, __file__, *arguments], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"ERROR: {' '.join(arguments)} failed (exit {done.returncode}).")
    return json.loads(done.stdout.strip().splitlines()[-1])


def first_readings_table() -> str:
    lines = ["| set, first reading | English | Ukrainian | Russian |", "|---|---|---|---|"]
    for name, reading in FIRST_READINGS.items():
        cells = [" / ".join(f"{figure:.2f}" for figure in reading[language]) for language in LANGUAGES]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def share(value: float) -> str:
    """A share to two decimals, rounded down: 44 of 49 is 0.89, never a 0.90 that misses its target."""
    return f"{math.floor(value * 100 + 1e-9) / 100:.2f}"


def tables(accuracy: dict, speed: dict) -> str:
    lines = [
        "| set | language | stories | annotated claims | candidates | recall | precision | claimant right"
        " | date right |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for set_name, language, name in [(s, language, name) for s in SETS for language, name in LANGUAGES.items()]:
        row = accuracy[set_name][language]
        if not row["stories"]:
            continue
        marks = {key: ("" if row[key] >= target else " ✗") for key, target in TARGETS.items()}
        figures = {key: f"{share(row[key])}{marks[key]}" for key in TARGETS}
        lines.append(
            f"| {set_name} | {name} | {row['stories']} | {row['annotated']} | {row['candidates']}"
            f" | {figures['recall']} | {figures['precision']} | {figures['claimant']} | {figures['date']} |"
        )
    lines.append(
        f"| target | | | | | ≥ {TARGETS['recall']:.2f} | ≥ {TARGETS['precision']:.2f} | ≥ {TARGETS['claimant']:.2f}"
        f" | ≥ {TARGETS['date']:.2f} |"
    )
    mark = "" if speed["p95"] <= TIME_TARGET_MS else " ✗"
    lines += [
        "",
        "| story | claims on the desk | candidates | likely duplicates | runs | p50 | p95 | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        f"| {speed['words']:,} words (English) | {speed['claims']:,} | {speed['candidates']} | {speed['duplicates']}"
        f" | {speed['runs']} | {speed['p50']:.0f} ms | {speed['p95']:.0f} ms{mark} | p95 ≤ {TIME_TARGET_MS} ms |",
    ]
    return "\n".join(lines)


def main() -> int:
    options = parse_options()
    if options.accuracy:
        accuracy_child(options.misses)
        return 0
    if options.speed:
        speed_child(options.runs, options.words)
        return 0
    print("Scoring the annotated stories …", flush=True)
    accuracy = child(["--accuracy", *(["--misses"] if options.misses else [])], ACCURACY_DATABASE)
    print(f"Timing a {options.words:,}-word story at a million claims …", flush=True)
    speed = child(["--speed", "--runs", str(options.runs), "--words", str(options.words)], SCALE_DATABASE)
    table = tables(accuracy, speed)
    print()
    print(table)
    if not options.no_doc:
        section = "\n".join(
            [
                SECTION,
                "",
                f"`make bench-intake` (bench/intake.py), {dt.date.today().isoformat()}, on {machine()}.",
                "Accuracy on the annotated sets in tests/intake_stories/ (extraction only; docs/intake.md says which",
                "set shaped the rules and which is blind); time of a whole extraction, duplicate look-up included,",
                "in-process against the million-claim desk. Shares are rounded down; ✗ marks a missed target.",
                "",
                table,
                "",
                "Each set after the first was read once, blind, before the rules were corrected where it showed",
                "general gaps. Those first readings (recall / precision / claimant / date) are the figures for text",
                "the rules had not seen:",
                "",
                first_readings_table(),
                "",
                f"The {LATER_SETS[-1]} set was written after the last correction and has not changed the rules: its",
                "row is the current figure for text the rules have not seen.",
                "",
            ]
        )
        write_doc_section(SECTION, section)
        print("\nWritten to docs/benchmarks.md.")
    missed = [
        f"{language} {key} ({set_name})"
        for set_name in SETS
        for language in LANGUAGES
        for key, target in TARGETS.items()
        if accuracy[set_name][language]["stories"] and accuracy[set_name][language][key] < target
    ]
    if speed["p95"] > TIME_TARGET_MS:
        missed.append("time")
    if missed:
        print(f"Targets missed: {', '.join(missed)}.", file=sys.stderr)
    return 0


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed extractions of the long story (default 30)")
    parser.add_argument("--words", type=int, default=1000, help="words in the long story (default 1000)")
    parser.add_argument("--misses", action="store_true", help="print every miss of the accuracy run")
    parser.add_argument("--no-doc", action="store_true", help="print the tables only; leave docs/benchmarks.md alone")
    parser.add_argument("--accuracy", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--speed", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
