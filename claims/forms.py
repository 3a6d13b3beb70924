"""The desk's forms. Each one reports bad input beside the field and writes nothing."""

from __future__ import annotations

from django import forms
from django.core import validators
from django.urls import reverse_lazy

from claims.links import MAX_URL_LENGTH, InvalidURL, normalize_url
from claims.models import (
    Affiliation,
    Claim,
    Claimant,
    ClaimantKind,
    Evidence,
    Outlet,
    Priority,
    SourceKind,
    Stance,
    Status,
)
from claims.people import display_name
from claims.roles import desk_members, is_editor
from claims.wording import collapse_spaces
from claims.workflow import ClaimantChoice

MAX_TAGS = 12
# Free text the models leave unbounded gets a limit here: a 1 MB quote was stored, and one of many
# words overflowed the search vector (a 500).
MAX_QUOTE = 10_000
MAX_DESCRIPTION = 5000
MAX_AFFILIATION_DESCRIPTION = 1000  # one line on the outlets page
MAX_NOTE = 5000  # an editor's note with a decision, as long as a rationale may be
MAX_REASON = 2000  # why a decided claim was corrected, or two claims merged


def _limit_length(field: forms.CharField, length: int) -> None:
    """Give a form field for an unbounded text column a limit, checked here and in the browser."""
    field.max_length = length
    field.validators.append(validators.MaxLengthValidator(length))
    field.widget.attrs["maxlength"] = str(length)


def _web_address(url: str) -> str:
    """An address as the desk stores it everywhere: canonical, its host in ASCII, so a look-alike
    Cyrillic domain reads xn--… on the page instead of passing for the Latin one."""
    if not url:
        return url
    try:
        return normalize_url(url)
    except InvalidURL as error:
        raise forms.ValidationError(str(error)) from error


def claimant_typeahead(options_id: str, **attrs: str) -> forms.TextInput:
    """A claimant name input that asks the desk for names as you type, into the datalist `options_id`."""
    return forms.TextInput(
        {
            "list": options_id,
            "autocomplete": "off",
            "hx-get": reverse_lazy("claims:claimant_suggest"),
            "hx-trigger": "input changed delay:200ms",
            "hx-target": f"#{options_id}",
            "hx-sync": "this:replace",
            **attrs,
        }
    )


class ClaimForm(forms.ModelForm):
    """Log or edit a claim. The claimant is typed: an existing one is matched by name, a new one
    is created with the affiliation chosen here."""

    claimant_name = forms.CharField(
        label="Claimant",
        max_length=200,
        help_text="Start typing to pick an existing claimant; a new name creates one.",
        widget=claimant_typeahead("claimant-options"),
    )
    new_claimant_kind = forms.ChoiceField(
        label="Kind", choices=ClaimantKind.choices, initial=ClaimantKind.OTHER, required=False
    )
    new_claimant_affiliation = forms.ModelChoiceField(
        label="Affiliation",
        queryset=Affiliation.objects.all(),
        required=False,
        empty_label="Unknown",
        help_text="Decides which sources count as independent of this claimant.",
    )
    tag_names = forms.CharField(label="Tags", required=False, max_length=500, help_text="Separate tags with commas.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The tags as the form showed them: tags are not versioned with the claim row, so a conflict
    # compares these with the tags now.
    tags_seen = forms.CharField(widget=forms.HiddenInput, required=False)
    correction_reason = forms.CharField(
        label="Reason for the correction",
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea({"rows": 2}),
        help_text="This claim has a verdict: a change to what it says is published as a correction, with this reason.",
    )

    class Meta:
        model = Claim
        # The claimant is typed by name (claimant_name) rather than picked from a list.
        fields = [name for name in Claim.EDITABLE_FIELDS if name != "claimant"]
        widgets = {
            "text": forms.Textarea({"rows": 3}),
            "quote": forms.Textarea({"rows": 3}),
            "claimed_on": forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
            "claimed_time": forms.TimeInput({"type": "time"}, format="%H:%M"),
            "event_on": forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "text": "Claim",
            "claimed_on": "Claimed on",
            "claimed_time": "at",
            "event_on": "Event date",
            "origin_url": "Origin (where it was said)",
        }

    def __init__(self, *args, user, has_verdict: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_verdict = has_verdict
        if not has_verdict:
            del self.fields["correction_reason"]
        elif not is_editor(user):
            # What a verdict is about changes only through an editor (claims/workflow.py): shown, not
            # editable; the workflow refuses a changed value from a hand-made request all the same.
            del self.fields["correction_reason"]
            for name in self.locked_fields():
                self.fields[name].widget.attrs.update({"readonly": True, "aria-readonly": "true"})
            self.fields["claimant_name"].help_text = ""
            for name in ("hx-get", "hx-trigger", "hx-target", "hx-sync", "list"):
                self.fields["claimant_name"].widget.attrs.pop(name, None)
            self.locked_subject = True
        if not is_editor(user):
            # Assignment is an editor's call (a fact-checker takes a claim from its page instead).
            del self.fields["assignee"]
        self.fields["text"].help_text = "One checkable sentence, in the desk's own words."
        _limit_length(self.fields["quote"], MAX_QUOTE)
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = desk_members()
            self.fields["assignee"].label_from_instance = display_name
            self.fields["assignee"].empty_label = "Nobody yet"
        self.fields["priority"].initial = Priority.NORMAL
        # "Claimed on" has no default: a claim made last week and logged today must not read as today's.
        if self.instance.pk:
            self.fields["claimant_name"].initial = self.instance.claimant.name
            self.fields["tag_names"].initial = self.fields["tags_seen"].initial = self.instance.tag_list()
            self.fields["version"].initial = self.instance.version

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise forms.ValidationError("This form is incomplete: open the edit page of this claim again.")
        return version

    def clean_text(self) -> str:
        text = collapse_spaces(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError("Write the claim as one sentence.")
        return text

    def clean_origin_url(self) -> str:
        return _web_address(self.cleaned_data["origin_url"])

    def clean_claimed_time(self):
        # The desk keeps the time a claim was made to the minute, as the form shows it.
        time = self.cleaned_data["claimed_time"]
        return time.replace(second=0, microsecond=0) if time else time

    def clean_quote(self) -> str:
        # Browsers send a textarea's line breaks as CRLF: the same quote must read as unchanged.
        return self.cleaned_data["quote"].replace("\r\n", "\n")

    def clean_claimant_name(self) -> str:
        name = collapse_spaces(self.cleaned_data["claimant_name"])
        if not name:
            raise forms.ValidationError("Name who made the claim.")
        return name

    def clean_tag_names(self) -> list[str]:
        names = {}
        for raw in self.cleaned_data["tag_names"].split(","):
            name = collapse_spaces(raw)
            if name:
                if len(name) > 60:
                    raise forms.ValidationError(f"Tags are at most 60 characters; “{name[:20]}…” is longer.")
                names.setdefault(name.lower(), name)
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(f"At most {MAX_TAGS} tags.")
        return list(names.values())

    def clean(self):
        cleaned = super().clean()
        existing = self.existing_claimant() if cleaned.get("claimant_name") else None
        chosen = cleaned.get("new_claimant_affiliation")
        if existing and chosen and chosen != existing.affiliation:
            self.add_error(
                "new_claimant_affiliation",
                f"{existing.name} is already on the desk as {existing.affiliation or 'affiliation unknown'};"
                " an editor changes that on the claimant's page.",
            )
        return cleaned

    locked_subject = False

    def locked_fields(self) -> list[str]:
        """The form fields holding what a verdict is about."""
        return [name for name in ("claimant_name", *Claim.VERDICT_SUBJECT_FIELDS) if name in self.fields]

    def existing_claimant(self) -> Claimant | None:
        return Claimant.objects.named(self.cleaned_data["claimant_name"]).first()

    def claim_values(self) -> dict:
        """The claim's own columns as entered (the claimant and tags are passed on their own)."""
        return {name: self.cleaned_data[name] for name in Claim.EDITABLE_FIELDS if name in self.fields}

    def claimant_choice(self) -> ClaimantChoice:
        return ClaimantChoice(
            name=self.cleaned_data["claimant_name"],
            kind=self.cleaned_data["new_claimant_kind"] or ClaimantKind.OTHER,
            affiliation=self.cleaned_data["new_claimant_affiliation"],
        )


class EvidenceForm(forms.Form):
    """Link a source to a claim: paste its address, say what it does to the claim."""

    url = forms.CharField(
        label="Source address",
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput({"placeholder": "https://", "autocomplete": "off"}),
        help_text="Tracking parameters and #fragments are dropped; a known source is reused.",
    )
    title = forms.CharField(label="Title", max_length=500, required=False)
    kind = forms.ChoiceField(label="Kind", choices=SourceKind.choices, initial=SourceKind.ARTICLE)
    stance = forms.ChoiceField(label="Stance", choices=Stance.choices, widget=forms.RadioSelect)
    repeats_claimant = forms.BooleanField(
        label="Only repeats the claimant", required=False, help_text="Relays never count as independent."
    )
    excerpt = forms.CharField(label="Excerpt", required=False, max_length=5000, widget=forms.Textarea({"rows": 2}))
    note = forms.CharField(label="Note", required=False, max_length=5000, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim

    def clean_url(self) -> str:
        try:
            url = normalize_url(self.cleaned_data["url"])
        except InvalidURL as error:
            raise forms.ValidationError(str(error)) from error
        linked = Evidence.objects.filter(claim=self.claim, source__url=url).first()
        if linked:
            raise forms.ValidationError(
                f"This source is already linked to the claim ({linked.get_stance_display().lower()})."
            )
        return url


class ProposalForm(forms.Form):
    """Propose a new status for a claim; an editor approves or returns it."""

    status = forms.ChoiceField(label="New status", choices=Status.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label="Rationale",
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
        help_text="What the evidence shows, for the editor and the weekly report.",
    )

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim

    def clean_rationale(self) -> str:
        rationale = self.cleaned_data["rationale"].strip()
        if not rationale:
            raise forms.ValidationError("Say why: the editor decides on the rationale.")
        return rationale

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        if status == self.claim.status:
            raise forms.ValidationError(f"The claim is already {self.claim.get_status_display().lower()}.")
        return status


class MergeForm(forms.Form):
    """An editor folds a duplicate into the claim it repeats."""

    into = forms.IntegerField(label="Original claim #", min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(
        label="Why they are the same claim", max_length=MAX_REASON, widget=forms.Textarea({"rows": 2})
    )


class NameSearchForm(forms.Form):
    """A name typed to find a claimant (the claimants list, the typeahead). Names are at most 200
    characters; a NUL byte, which PostgreSQL refuses in text, is an error rather than a 500."""

    name = forms.CharField(required=False, max_length=200)

    def clean_name(self) -> str:
        return collapse_spaces(self.cleaned_data["name"])


class DecisionForm(forms.Form):
    """The note an editor adds to a decision (the fact-checker reads a return note)."""

    note = forms.CharField(required=False, max_length=MAX_NOTE)


class OutletForm(forms.ModelForm):
    class Meta:
        model = Outlet
        fields = ["name", "affiliation"]


class AffiliationForm(forms.ModelForm):
    class Meta:
        model = Affiliation
        fields = ["name", "description"]
        widgets = {"description": forms.TextInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_length(self.fields["description"], MAX_AFFILIATION_DESCRIPTION)

    def clean_name(self) -> str:
        name = collapse_spaces(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Name the affiliation.")
        return name


class AssignForm(forms.Form):
    claims = forms.ModelMultipleChoiceField(
        queryset=Claim.objects.on_desk(), error_messages={"required": "Select at least one claim to assign."}
    )
    assignee = forms.ModelChoiceField(queryset=desk_members(), to_field_name="username", required=False)


# A claimant's other names: enough for every script and the usual abbreviations.
MAX_ALIASES = 20


class ClaimantForm(forms.ModelForm):
    aliases = forms.CharField(
        label="Other names and spellings",
        required=False,
        max_length=MAX_ALIASES * 201,
        widget=forms.Textarea({"rows": 3}),
        help_text="One a line, in any script (MoD, Минобороны России): the typeahead finds the claimant by them.",
    )

    class Meta:
        model = Claimant
        fields = ["kind", "affiliation", "description", "url", "aliases"]
        widgets = {"description": forms.Textarea({"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_length(self.fields["description"], MAX_DESCRIPTION)
        if self.instance.pk and not self.is_bound:
            self.initial["aliases"] = "\n".join(self.instance.aliases)

    def clean_aliases(self) -> list[str]:
        """The lines typed, trimmed, each once (in any letter case), the claimant's own name left out."""
        aliases: dict[str, str] = {}
        for line in self.cleaned_data["aliases"].splitlines():
            alias = " ".join(line.split())
            if "\x00" in alias or len(alias) > 200:
                raise forms.ValidationError("Each name must be at most 200 characters, on a line of its own.")
            if alias and alias.casefold() != self.instance.name.casefold():
                aliases.setdefault(alias.casefold(), alias)
        if len(aliases) > MAX_ALIASES:
            raise forms.ValidationError(f"At most {MAX_ALIASES} other names.")
        return list(aliases.values())

    def clean_url(self) -> str:
        return _web_address(self.cleaned_data["url"])
