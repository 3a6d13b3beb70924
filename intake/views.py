"""The intake page, /intake/ (docs/intake.md): a wire story in (pasted, or fetched from its
address), candidate claims out; the fact-checker ticks and edits them and logs the ticked ones in one go.

Reading a story writes nothing. Logging goes through claims.workflow.claims_log_from_story, all or none.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass, field

import trafilatura
from django.contrib import messages
from django.forms import BaseFormSet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from trafilatura.utils import load_html

from captures import archiving, fetcher
from claims import workflow
from claims.models import Appearance, Claim, Claimant, ClaimantKind
from claims.roles import desk_member_required
from claims.views.common import DeskRequest, refusal_on_form
from intake.candidates import Candidate, Extraction
from intake.extraction import Unreadable, extract
from intake.forms import (
    MAX_EXCERPT,
    MAX_OFFERED,
    CandidateForm,
    CandidateFormSet,
    StoryForm,
    StoryRefForm,
    story_text_problem,
)

# Someone waits at the page while the story is fetched: less time than a capture gets, and a wire
# story's page is far smaller than the files a capture keeps.
FETCH_TIMEOUT_SECONDS = 15
FETCH_MAX_BYTES = 5 * 1024 * 1024
CANDIDATES_PREFIX = "candidates"
# The unattributed statements shown again with the candidates, at most (they travel in a hidden field).
MAX_STATEMENTS = 500
PLAIN_TEXT = "text/plain"


@dataclass
class Segment:
    """A stretch of the story as shown: plain, or the sentence of the candidates numbered (from 1)."""

    text: str
    numbers: list[int] = field(default_factory=list)


@dataclass
class Card:
    """A candidate's form with what the page shows beside it."""

    form: CandidateForm
    number: int
    duplicates: list[Claim]
    known_claimant: bool
    sentence: str


class StoryUnavailable(Exception):
    """The story's address gave no text to read; the message says why, for the field."""


@require_http_methods(["GET", "POST"])
@desk_member_required
def intake_story(request: DeskRequest) -> HttpResponse:
    """The story form; posted, the candidates found in the story (nothing is written)."""
    workflow.ensure_allowed(request.user, "log_claim")
    form = StoryForm(request.POST or None)
    if request.method != "POST":
        return render(request, "intake/story.html", {"form": form})
    if not form.is_valid():
        return render(request, "intake/story.html", {"form": form}, status=422)
    data = form.cleaned_data
    text, title, read_from = data["text"], data["title"], "text"
    if not text:  # an address alone: the story is fetched from it
        read_from = "url"
        try:
            text, fetched_title = story_from_address(data["url"])
        except StoryUnavailable as problem:
            form.add_error("url", str(problem))
            return render(request, "intake/story.html", {"form": form}, status=422)
        title = title or fetched_title
    try:
        extraction = extract(text, data["published"], dateline=data["dateline"])
    except Unreadable as problem:
        form.add_error(read_from, str(problem))
        return render(request, "intake/story.html", {"form": form}, status=422)
    story = StoryRefForm(
        initial={
            "text": extraction.text,
            "url": data["url"],
            "title": title,
            "published": data["published"],
            "dateline": data["dateline"],
            "statements": ",".join(f"{s.start}-{s.end}" for s in extraction.unattributed[:MAX_STATEMENTS]),
        }
    )
    candidates = CandidateFormSet(initial=[_initial(c) for c in extraction.candidates], prefix=CANDIDATES_PREFIX)
    return _candidates_page(request, form, story, candidates, found=extraction)


@require_POST
@desk_member_required
def intake_log(request: DeskRequest) -> HttpResponse:
    """Log the ticked candidates, all or none; the story becomes their context source."""
    workflow.ensure_allowed(request.user, "log_claim")
    story = StoryRefForm(request.POST)
    candidates = CandidateFormSet(request.POST, prefix=CANDIDATES_PREFIX)
    if not (story.is_valid() and candidates.is_valid()):
        return _candidates_page(request, None, story, candidates, status=422)
    ticked = [(number, form) for number, form in enumerate(candidates.forms, start=1) if form.cleaned_data.get("log")]
    if not ticked:
        story.add_error(None, "Tick at least one candidate to log; nothing was logged.")
        return _candidates_page(request, None, story, candidates, status=422)
    entries = [
        workflow.StoryEntry(
            values=form.claim_values(),
            claimant=form.claimant_choice(),
            excerpt=form.cleaned_data["sentence"],
            appearance_of=form.appearance_of(),
        )
        for _, form in ticked
    ]
    address = story.cleaned_data["url"]
    try:
        written = workflow.claims_log_from_story(
            user=request.user,
            story=workflow.StoryRef(url=address, title=story.cleaned_data["title"]),
            entries=entries,
        )
    except workflow.StoryEntryRefused as refusal:
        number, form = ticked[refusal.position]
        status = refusal_on_form(form, refusal)
        story.add_error(None, f"Candidate {number} ({_quoted(form)}) was refused, so nothing was logged: {refusal}")
        return _candidates_page(request, None, story, candidates, status=status)
    messages.success(request, logged_sentence(written, linked=bool(address)))
    return redirect("claims:list")


def story_from_address(url: str) -> tuple[str, str]:
    """The main text and title of the story at `url`, fetched by the safe fetcher (public addresses only,
    size and time limits); StoryUnavailable says why there is none."""
    try:
        fetched = fetcher.fetch(url, max_bytes=FETCH_MAX_BYTES, timeout=FETCH_TIMEOUT_SECONDS)
    except fetcher.FetchError as error:
        raise StoryUnavailable(error.reason) from error
    final = fetched.final
    if final.status >= 400:
        raise StoryUnavailable(
            f"The server answered {final.status} {final.reason_phrase}".rstrip() + ": no story there to read."
        )
    if final.status >= 300:
        raise StoryUnavailable(f"The server answered {final.status} without saying where the story went.")
    try:
        body = final.decoded_body(limit=FETCH_MAX_BYTES)
    except fetcher.FetchError as error:
        raise StoryUnavailable(error.reason) from error
    if final.media_type == PLAIN_TEXT:
        text, title = body.decode(_charset(final) or "utf-8", errors="replace"), ""
    elif final.media_type in archiving.HTML_TYPES:
        text = archiving.main_text(body, final.url)
        tree = load_html(body)
        metadata = trafilatura.extract_metadata(tree, default_url=final.url) if tree is not None else None
        title = (metadata.title or "") if metadata is not None else ""
    else:
        kind = final.media_type or "no type given"
        raise StoryUnavailable(f"This address is not a web page ({kind}): paste the story's text instead.")
    if not text.strip():
        raise StoryUnavailable("The page has no story text the desk could find: paste the story's text instead.")
    problem = story_text_problem(text)
    if problem:
        raise StoryUnavailable(problem)
    return text, " ".join(title.split())[:500]


def logged_sentence(written: list[Claim | Appearance], *, linked: bool) -> str:
    """What the desk says after logging: how many of each, and whether the story was linked."""
    claims = [item.pk for item in written if isinstance(item, Claim)]
    appearances = [item.claim_id for item in written if isinstance(item, Appearance)]
    parts = []
    if claims:
        ids = ", ".join(f"#{pk}" for pk in claims)
        parts.append(f"{len(claims)} claim{'s' if len(claims) != 1 else ''} ({ids})")
    if appearances:
        ids = ", ".join(f"#{pk}" for pk in appearances)
        parts.append(f"{len(appearances)} appearance{'s' if len(appearances) != 1 else ''} (of {ids})")
    sentence = f"Logged {' and '.join(parts)} from the story"
    if not claims:
        return sentence + "."
    if linked:
        return sentence + "; the story is linked to each claim as context."
    return sentence + ". The story was not linked to them because it has no address."


def story_segments(text: str, spans: Iterable[tuple[int, int, int]]) -> list[Segment]:
    """The story cut into plain stretches and candidates' sentences, from (start, end, number) spans.

    Built here as plain strings, so the template escapes every one of them. A span past the text or
    inside one already marked (two candidates from one sentence) adds its number to the mark before.
    """
    segments: list[Segment] = []
    cursor = 0
    for start, end, number in sorted(spans):
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            if segments and segments[-1].numbers and start < len(text):
                segments[-1].numbers.append(number)
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], [number]))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def _initial(candidate: Candidate) -> dict:
    return {
        # Ticked, unless the story never said who it was ("the ministry said", nobody named before): one
        # click logs the rest, and this one waits for its claimant.
        "log": bool(candidate.claimant.name),
        "text": candidate.text,
        "claimant_name": candidate.claimant.name,
        "new_claimant_kind": candidate.claimant.kind or ClaimantKind.OTHER,
        "claimed_on": candidate.claimed_on,
        "quote": candidate.quote,
        "duplicate": "new",
        "sentence": candidate.sentence[:MAX_EXCERPT],
        "start": candidate.start,
        "end": candidate.end,
        "offered": ",".join(str(claim.pk) for claim in candidate.duplicates[:MAX_OFFERED]),
    }


def _candidates_page(
    request: DeskRequest,
    form: StoryForm | None,
    story: StoryRefForm,
    candidates: BaseFormSet,
    *,
    found: Extraction | None = None,
    status: int = 200,
) -> HttpResponse:
    """The story with its candidates' sentences marked, a card per candidate and the statements nobody
    is credited with. Its queries do not grow with the candidates: the offered duplicates (unless the
    extraction `found` them already) and the known claimants are each read in one query."""
    # As posted, the text's line breaks are CRLF; the offsets count them as the form cleans them, LF.
    text = _value(story, "text").replace("\r\n", "\n").replace("\r", "\n")
    offered = {form: _offered(form) for form in candidates.forms}
    if found is not None:  # read with the story already
        duplicates = {claim.pk: claim for candidate in found.candidates for claim in candidate.duplicates}
    else:  # posted back: the ids the page offered
        duplicates = Claim.objects.select_related("claimant").in_bulk({pk for ids in offered.values() for pk in ids})
    known = _known_names(_value(form, "claimant_name") for form in candidates.forms)
    cards = [
        Card(
            form=form,
            number=number,
            duplicates=[duplicates[pk] for pk in offered[form] if pk in duplicates],
            known_claimant=_value(form, "claimant_name").strip().lower() in known,
            sentence=_value(form, "sentence"),
        )
        for number, form in enumerate(candidates.forms, start=1)
    ]
    spans = []
    for card in cards:
        start, end = _int(card.form, "start"), _int(card.form, "end")
        if start is not None and end is not None:
            spans.append((start, end, card.number))
    statements = [text[start:end] for start, end in _statement_spans(_value(story, "statements"), len(text))]
    problems = [
        f"Candidate {card.number} ({_quoted(card.form)}): {' '.join(_errors(card.form))}"
        for card in cards
        if card.form.errors
    ]
    context = {
        "form": form,
        "story": story,
        "candidates": candidates,
        "cards": cards,
        "segments": story_segments(text, spans),
        "statements": statements,
        "problems": problems,
        "language": found.language if found else "",
        "left_out": found.left_out if found else 0,
        "kinds": ClaimantKind.choices,
    }
    return render(request, "intake/story.html", context, status=status)


def _value(form: StoryRefForm | CandidateForm, name: str) -> str:
    """A field's value as the page shows it (posted, or initial), as text."""
    value = form[name].value()
    return "" if value is None else str(value)


def _int(form: CandidateForm, name: str) -> int | None:
    value = _value(form, name)
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _offered(form: CandidateForm) -> list[int]:
    parts = _value(form, "offered").split(",")[:MAX_OFFERED]
    return [int(part) for part in parts if part.isascii() and part.isdigit() and len(part) < 11]


def _statement_spans(raw: str, length: int) -> list[tuple[int, int]]:
    spans = []
    for pair in raw.split(",")[:MAX_STATEMENTS]:
        start, _, end = pair.partition("-")
        numbers = start.isascii() and start.isdigit() and end.isascii() and end.isdigit()
        if numbers and int(start) < int(end) <= length:
            spans.append((int(start), int(end)))
    return spans


def _charset(hop: fetcher.Hop) -> str:
    """The character set the server named for its text ("windows-1251"), if Python knows it."""
    for name, value in hop.response_headers:
        if name.lower() == "content-type" and "charset=" in value.lower():
            charset = value.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"')
            try:
                codecs.lookup(charset)
            except LookupError:
                return ""
            return charset
    return ""


def _known_names(names: Iterable[str]) -> set[str]:
    """Which of `names` (lower-cased) name a claimant on the desk, by its name or an alias: one query."""
    # As posted, before the form refused them: PostgreSQL refuses a NUL, so such a name is no one's.
    wanted = sorted({name.strip().lower() for name in names if name.strip() and "\x00" not in name})
    if not wanted:
        return set()
    rows = Claimant.objects.named_any(wanted)
    found = set()
    for name, aliases in rows.values_list("name", "aliases"):
        found.add(name.lower())
        found.update(alias.lower() for alias in aliases)
    return found & set(wanted)


def _quoted(form: CandidateForm) -> str:
    """The card's claim as the page names the card in a message (its sentence, when the claim was emptied)."""
    text = " ".join(_value(form, "text").split()) or " ".join(_value(form, "sentence").split())
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def _errors(form: CandidateForm) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]
