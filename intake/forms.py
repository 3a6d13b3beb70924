"""The intake page's forms: the story to read, and the candidates to log from it. Each one reports bad
input beside the field and writes nothing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone

from claims.forms import MAX_QUOTE, claimant_typeahead
from claims.links import MAX_URL_LENGTH, InvalidURL, normalize_url
from claims.models import CLAIM_TEXT_MAX, ClaimantKind
from claims.wording import collapse_spaces
from claims.workflow import ClaimantChoice
from intake import extraction

# An evidence link's excerpt is at most this long (the evidence form's limit); a longer sentence is cut.
MAX_EXCERPT = 5000
# A story proposes a few dozen candidates at most; a formset claiming thousands is not one of ours.
MAX_CANDIDATES = extraction.MAX_CANDIDATES
# Likely duplicates offered for one candidate, at most (the desk shows the best few).
MAX_OFFERED = 20
# Stories older than this are not what a desk reads off the wire (and dates before it are typing slips).
EARLIEST_YEAR = 1900


def story_text_problem(text: str) -> str:
    """Why `text` cannot be read as a story, or "" (intake.extraction.text_problem: one rule for the page,
    the API and the extractor)."""
    return extraction.text_problem(text) if text.strip() else ""


def _story_address(url: str) -> str:
    """An address as the desk stores it (http or https only, canonical), or "" for none."""
    if not url:
        return ""
    try:
        return normalize_url(url)
    except InvalidURL as error:
        raise forms.ValidationError(str(error)) from error


class StoryForm(forms.Form):
    """A wire story to read: its text pasted, or its address to fetch, and the day it was published."""

    text = forms.CharField(
        label="Story text",
        required=False,
        # No maxlength in the browser: it would cut a long paste silently; the server says how long it is.
        widget=forms.Textarea({"rows": 14, "spellcheck": "false"}),
        help_text="Paste the whole story, dateline included.",
    )
    url = forms.CharField(
        label="Or its address",
        required=False,
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput({"placeholder": "https://", "autocomplete": "off"}),
        help_text="Fetched when no text is pasted; with text, it is where the story lives.",
    )
    published = forms.DateField(
        label="Published on",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        help_text="“On Wednesday” in the story is read from this date.",
        error_messages={"required": "Give the day the story was published: the story's own dates count from it."},
    )
    dateline = forms.CharField(
        label="Dateline place", required=False, max_length=100, help_text="Where the story was filed, e.g. Kyiv."
    )
    title = forms.CharField(label="Story title", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A NUL is said by clean_text, in words about stories rather than Django's "Null characters".
        text = self.fields["text"]
        text.validators = [check for check in text.validators if not isinstance(check, ProhibitNullCharactersValidator)]

    def clean_text(self) -> str:
        # Browsers send a textarea's line breaks as CRLF: the offsets of what is found count in LF.
        text = self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n")
        problem = story_text_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return text

    def clean_url(self) -> str:
        return _story_address(self.cleaned_data["url"])

    def clean_published(self) -> dt.date:
        published: dt.date = self.cleaned_data["published"]
        # A day's grace: in a newsroom east of UTC, tomorrow's paper is already out.
        if published > timezone.localdate() + dt.timedelta(days=1):
            raise forms.ValidationError("A story cannot be published in the future: check the date.")
        if published.year < EARLIEST_YEAR:
            raise forms.ValidationError(f"Give a date from {EARLIEST_YEAR} on.")
        return published

    def clean_dateline(self) -> str:
        return collapse_spaces(self.cleaned_data["dateline"])

    def clean_title(self) -> str:
        return collapse_spaces(self.cleaned_data["title"])

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        given = cleaned.get("text") or cleaned.get("url")
        if not given and not self.has_error("text") and not self.has_error("url"):
            self.add_error("text", "Paste the story's text, or give its address below.")
        return cleaned


class StoryRefForm(StoryForm):
    """The story as it travels with its candidates to be logged: the text read (hidden; the candidates'
    offsets point into it), and its address and title, which can still be filled in."""

    # Its fields are named story-…, apart from the story form's own on the same page.
    prefix = "story"
    # Where the statements nobody is credited with stand in the text ("12-80,95-140"), to show them again.
    statements = forms.CharField(required=False, max_length=10_000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget = forms.Textarea({"hidden": True})
        self.fields["published"].widget = forms.HiddenInput()
        self.fields["dateline"].widget = forms.HiddenInput()
        self.fields["url"].label = "Story address"
        self.fields["url"].help_text = "Linked to each logged claim as its context source."
        self.fields["text"].help_text = ""

    def clean(self) -> dict:
        cleaned = self.cleaned_data
        if not self.has_error("text") and not cleaned.get("text"):
            self.add_error(None, "The story's text did not come with the candidates: find the claims again.")
        return cleaned


class CandidateForm(forms.Form):
    """One candidate claim as the fact-checker ticked and edited it.

    Every field is optional for a card left unticked; a ticked card needs its claim, claimant and date.
    """

    log = forms.BooleanField(label="Log this claim", required=False)
    text = forms.CharField(label="Claim", required=False, max_length=CLAIM_TEXT_MAX, widget=forms.Textarea({"rows": 3}))
    claimant_name = forms.CharField(
        label="Claimant",
        required=False,
        max_length=200,
        # The claim form's typeahead; one datalist serves every card (only the focused input shows it). The
        # suggestion view reads `claimant`; a formset's field is named candidates-N-claimant_name.
        widget=claimant_typeahead("intake-claimant-options", **{"data-suggest-as": "claimant"}),
    )
    new_claimant_kind = forms.ChoiceField(
        label="Kind of new claimant", choices=ClaimantKind.choices, initial=ClaimantKind.OTHER, required=False
    )
    claimed_on = forms.DateField(
        label="Claimed on", required=False, widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    quote = forms.CharField(
        label="Quote", required=False, max_length=MAX_QUOTE, widget=forms.Textarea({"rows": 2, "maxlength": MAX_QUOTE})
    )
    # "new", or the id of one of the offered claims to add this as another appearance of (radios, drawn
    # by the template beside the claims they name).
    duplicate = forms.CharField(required=False, max_length=12, initial="new")
    sentence = forms.CharField(required=False, max_length=MAX_EXCERPT, widget=forms.HiddenInput)
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    offered = forms.CharField(required=False, max_length=MAX_OFFERED * 12, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        return collapse_spaces(self.cleaned_data["text"])

    def clean_claimant_name(self) -> str:
        return collapse_spaces(self.cleaned_data["claimant_name"])

    def clean_quote(self) -> str:
        return self.cleaned_data["quote"].replace("\r\n", "\n").strip()

    def clean_offered(self) -> list[int]:
        ids = [part for part in self.cleaned_data["offered"].split(",") if part]
        if len(ids) > MAX_OFFERED or not all(part.isascii() and part.isdigit() and len(part) < 11 for part in ids):
            raise forms.ValidationError("This card is incomplete: find the claims again.")
        return [int(part) for part in ids]

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("log"):
            return cleaned
        if "text" in cleaned and not cleaned["text"]:
            self.add_error("text", "Write the claim as one sentence, or untick this card.")
        if "claimant_name" in cleaned and not cleaned["claimant_name"]:
            self.add_error("claimant_name", "Name who made the claim.")
        if not self.has_error("claimed_on") and cleaned.get("claimed_on") is None:
            self.add_error("claimed_on", "Give the day it was claimed.")
        choice = cleaned.get("duplicate") or "new"
        if choice != "new" and "offered" in cleaned and choice not in {str(pk) for pk in cleaned["offered"]}:
            self.add_error("duplicate", "Choose “Log as a new claim” or one of the claims offered here.")
        return cleaned

    # What the workflow takes, from a valid ticked card.

    def appearance_of(self) -> int | None:
        choice = self.cleaned_data.get("duplicate") or "new"
        return None if choice == "new" else int(choice)

    def claim_values(self) -> dict:
        claimed_on: dt.date = self.cleaned_data["claimed_on"]
        return {"text": self.cleaned_data["text"], "claimed_on": claimed_on, "quote": self.cleaned_data["quote"]}

    def claimant_choice(self) -> ClaimantChoice:
        return ClaimantChoice(
            name=self.cleaned_data["claimant_name"], kind=self.cleaned_data["new_claimant_kind"] or ClaimantKind.OTHER
        )


CandidateFormSet = forms.formset_factory(
    CandidateForm, extra=0, max_num=MAX_CANDIDATES, absolute_max=MAX_CANDIDATES, validate_max=True
)
