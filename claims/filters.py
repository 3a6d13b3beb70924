"""The claims list's filters and sort orders, read from the query string (django-filter).

Unknown values are not silently dropped: the form reports them and the view answers 400.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery

from claims.models import (
    Claim,
    Claimant,
    ClaimQuerySet,
    Outlet,
    Priority,
    Source,
    SourceKind,
    Status,
    Tag,
    search_query,
)
from claims.people import display_name
from claims.roles import desk_members

# Each ordering ends in the primary key so keyset pagination has a unique position per row.
SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "priority": ("-priority", "-created_at", "-id"),
    "activity": ("-updated_at", "-id"),
}
SORT_CHOICES = [
    ("", "Best match / newest"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("priority", "Most urgent first"),
    ("activity", "Last activity"),
]
UNASSIGNED = "none"


class ClaimantByName(forms.ModelChoiceField):
    """A claimant named in the URL (?claimant=Russian Ministry of Defence), in any letter case."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if "\x00" in value or len(value) > 200:
            raise forms.ValidationError("That is not a claimant's name.", code="invalid_choice")
        claimant = Claimant.objects.named(value.strip()).first()  # its name, or one of its aliases
        if claimant is None:
            raise forms.ValidationError(f"No claimant is called “{value}”.", code="invalid_choice")
        return claimant


class ClaimantFilter(django_filters.ModelChoiceFilter):
    field_class = ClaimantByName


class AssigneeChoiceField(forms.ModelChoiceField):
    """A desk member's username, or "none" for claims nobody has taken."""

    def to_python(self, value):
        if value == UNASSIGNED:
            return UNASSIGNED
        return super().to_python(value)

    def validate(self, value):
        if value != UNASSIGNED:
            super().validate(value)


class AssigneeFilter(django_filters.ModelChoiceFilter):
    field_class = AssigneeChoiceField

    def filter(self, queryset, value):
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return super().filter(queryset, value)


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    claimant = ClaimantFilter(queryset=Claimant.objects.all())
    # One tag per claim and name (a unique pair), so the join cannot repeat a claim: no DISTINCT,
    # which would sort every tagged claim before the page could be cut.
    tag = django_filters.ModelChoiceFilter(
        field_name="tags", queryset=Tag.objects.all(), to_field_name="name", empty_label="Any tag", distinct=False
    )
    assignee = AssigneeFilter(queryset=get_user_model().objects.none(), to_field_name="username", empty_label="Anyone")
    priority = django_filters.ChoiceFilter(choices=Priority.choices, empty_label="Any priority")
    claimed_from = django_filters.DateFilter(
        field_name="claimed_on", lookup_expr="gte", label="Claimed from", widget=forms.DateInput({"type": "date"})
    )
    claimed_to = django_filters.DateFilter(
        field_name="claimed_on", lookup_expr="lte", label="to", widget=forms.DateInput({"type": "date"})
    )
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="keep", empty_label=None, label="Sort")

    class Meta:
        model = Claim
        fields: list[str] = []

    def __init__(self, *args, members: list[User] | None = None, **kwargs):
        """`members`: the desk's people when the view has read them already (for its assign menu)."""
        super().__init__(*args, **kwargs)
        self.search_queries: dict[str, SearchQuery] = {}
        assignee = self.form.fields["assignee"]
        assignee.queryset = desk_members()
        # Read only when the menu is drawn (a filter set built for its queryset alone never reads it).
        assignee.widget.choices = lambda: [
            ("", "Anyone"),
            (UNASSIGNED, "Nobody"),
            *((user.username, display_name(user)) for user in (assignee.queryset if members is None else members)),
        ]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        # Made once for the page's rows and its counts alike (a Cyrillic search reads the vocabulary).
        if value not in self.search_queries:
            self.search_queries[value] = search_query(value)
        return queryset.search(value, query=self.search_queries[value])

    def keep(self, queryset, name, value):
        return queryset  # the sort order is applied by the view's paginator

    def counting_queryset(self) -> ClaimQuerySet | None:
        """The claims under every filter but the status (whose chips show what ticking each would
        give), or None when none of those filters narrows the desk, or one of them was refused."""
        self.is_valid()
        if set(self.form.errors) - {"status"}:
            return None
        given = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in ("status", "sort") and value not in (None, "", [])
        }
        queryset = self.queryset
        for name, value in given.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset if given else None

    @property
    def searching(self) -> bool:
        # A refused filter runs no search, so there is no relevance to order by.
        return self.is_valid() and bool(self.form.cleaned_data.get("q", "").strip())

    @property
    def ordering(self) -> tuple[str, ...] | None:
        """The keyset ordering, or None for relevance order (a search with no sort chosen)."""
        sort = self.form.cleaned_data.get("sort")
        if not sort:
            return None if self.searching else SORTS["newest"]
        return SORTS[sort]


class SourceFilter(django_filters.FilterSet):
    outlet = django_filters.ModelChoiceFilter(
        queryset=Outlet.objects.order_by("name"), to_field_name="domain", empty_label="Any outlet"
    )
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices, empty_label="Any kind")

    class Meta:
        model = Source
        fields: list[str] = []
