"""The desk's domain model (docs/architecture.md, "The model").

Hard rules live in the database as constraints, so no code path (forms, admin, bulk writes, raw
SQL) can break them. Every table is audited by django-pghistory triggers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import overload

import pghistory
import pgtrigger
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, Exists, F, Func, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.text import capfirst

from claims import spelling
from claims.links import ALLOWED_SCHEMES, MAX_URL_LENGTH, InvalidURL, domain_of, normalize_url, parent_domains
from claims.wording import claim_words_in_order

# Database-side form of "http or https only": the same rule as claims.links, kept in SQL so that
# bulk writes and the admin cannot store a javascript: or data: address.
WEB_URL_REGEX = r"^https?://[^\s/?#]+"
# The duplicate guard looks at the first words of the text and shows claims above this rank.
SIMILAR_WORDS = 24
SIMILARITY_FLOOR = 0.05
SIMILAR_CANDIDATES = 1000
# A claim is one checkable sentence; longer text belongs in the quote.
CLAIM_TEXT_MAX = 1000
CANONICAL_URL_REGEX = r"^https?://[a-z0-9.-]+(:[0-9]+)?/[^\s]*$"


@lru_cache(maxsize=64)
def _id_url_parts(view_name: str, script_prefix: str) -> tuple[str, str]:
    marker = "2147483647"
    before, after = reverse(view_name, args=[marker]).split(marker)
    return before, after


def id_url(view_name: str, pk: int) -> str:
    """reverse(view_name, args=[pk]) for an address with one id in it, worked out once per view (and
    script prefix): lists and reports build one per row, and reverse() costs as much as the row."""
    before, after = _id_url_parts(view_name, get_script_prefix())
    return f"{before}{pk}{after}"


def web_url_constraint(field: str, *, blank_allowed: bool) -> models.CheckConstraint:
    condition = Q(**{f"{field}__regex": WEB_URL_REGEX})
    if blank_allowed:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=f"%(app_label)s_%(class)s_{field}_http_only")


def choices_constraint(field: str, choices: type[models.Choices]) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=f"%(app_label)s_%(class)s_{field}_valid"
    )


class WebURLField(models.URLField):
    """A URL field that accepts http and https only (Django's default also allows ftp)."""

    default_validators = [URLValidator(schemes=list(ALLOWED_SCHEMES))]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_URL_LENGTH)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class Status(models.TextChoices):
    """The status scale: unverified → confirmed, with the negative outcomes beside it."""

    UNVERIFIED = "unverified", "Unverified"
    DISPUTED = "disputed", "Disputed"
    CORROBORATED = "corroborated", "Corroborated"
    CONFIRMED = "confirmed", "Confirmed"
    MISLEADING = "misleading", "Misleading"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"

    @overload
    @classmethod
    def counted(cls, counts: Mapping[str, int]) -> list[tuple[str, str, int]]: ...

    @overload
    @classmethod
    def counted(cls, counts: None) -> list[tuple[str, str, None]]: ...

    @overload
    @classmethod
    def counted(cls, counts: Mapping[str, int] | None) -> list[tuple[str, str, int | None]]: ...

    @classmethod
    def counted(cls, counts: Mapping[str, int] | None) -> list[tuple[str, str, int]] | list[tuple[str, str, None]]:
        """(status, label, count) for every status, in scale order: the one shape the pages, charts and
        reports read counts in. A status missing from `counts` counts 0; no counts at all (a list too
        big to count) gives None for each."""
        if counts is None:
            return [(value, label, None) for value, label in cls.choices]
        return [(value, label, counts.get(value, 0)) for value, label in cls.choices]


class Priority(models.IntegerChoices):
    # Higher is more urgent, so "most urgent first" is a plain descending sort.
    LOW = 0, "Low"
    NORMAL = 1, "Normal"
    HIGH = 2, "High"
    URGENT = 3, "Urgent"


class Stance(models.TextChoices):
    CORROBORATES = "corroborates", "Corroborates"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Context"


class Decision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ClaimantKind(models.TextChoices):
    GOVERNMENT_BODY = "government_body", "Government body"
    MILITARY = "military", "Military"
    OFFICIAL = "official", "Official or spokesperson"
    MEDIA = "media", "Media outlet"
    ORGANISATION = "organisation", "Organisation"
    SOCIAL_ACCOUNT = "social_account", "Social media account"
    PERSON = "person", "Person"
    OTHER = "other", "Other"


class SourceKind(models.TextChoices):
    ARTICLE = "article", "Article"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    SOCIAL_POST = "social_post", "Social post"
    VIDEO = "video", "Video"
    IMAGERY = "imagery", "Imagery"
    DOCUMENT = "document", "Document"
    OWN_REPORTING = "own_reporting", "Own reporting"
    OTHER = "other", "Other"


class WorkState(models.TextChoices):
    """Derived, never stored: who is working on a claim right now."""

    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    IN_REVIEW = "in_review", "In review"
    DECIDED = "decided", "Decided"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Affiliation(models.Model):
    """A side or camp ("Russian government", "Independent"); decides independence."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Tag(models.Model):
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="claims_tag_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class CountOf(models.Subquery):
    """The number of rows a subquery returns, as a column (correlated with OuterRef)."""

    template = "(SELECT count(*) FROM (%(subquery)s) AS counted)"
    output_field = models.IntegerField()


# The words of claims' texts and quotes and of claimants' names and aliases (SearchWord): four to forty
# letters, as the `simple` configuration reads them (lower case, any script), once each. DO NOTHING
# leaves a word already known unlocked, so two people logging claims never wait for each other.
SEARCH_WORDS_ADD = """
    INSERT INTO claims_searchword (word)
    SELECT DISTINCT word.lexeme
    FROM ({texts}) AS written, unnest(to_tsvector('simple', written.text)) AS word
    WHERE length(word.lexeme) BETWEEN 4 AND 40 AND word.lexeme !~ '[0-9_]'
    ORDER BY 1
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
"""


def search_words_triggers(prefix: str, *, inserted: str, changed: str) -> list[pgtrigger.Trigger]:
    """A table's two statement-level triggers that add its new words to SearchWord: `inserted` selects the
    text of the new rows (`added`), `changed` that of rows whose words changed (`after_rows` joined to
    `before_rows`). One call per statement, however many rows it writes."""
    return [
        pgtrigger.Trigger(
            name=f"{prefix}search_words_insert",
            level=pgtrigger.Statement,
            operation=pgtrigger.Insert,
            when=pgtrigger.After,
            referencing=pgtrigger.Referencing(new="added"),
            func=SEARCH_WORDS_ADD.format(texts=inserted),
        ),
        pgtrigger.Trigger(
            name=f"{prefix}search_words_update",
            level=pgtrigger.Statement,
            operation=pgtrigger.Update,
            when=pgtrigger.After,
            referencing=pgtrigger.Referencing(old="before_rows", new="after_rows"),
            func=SEARCH_WORDS_ADD.format(texts=changed),
        ),
    ]


# The registry's names for near-spelling matches, rebuilt in each process only when a claimant was
# added, changed or removed since: the newest audit event (ClaimantEvent, one per write) tells.
_claimant_names: tuple[int | None, spelling.NameIndex] | None = None


def claimant_name_index() -> spelling.NameIndex:
    global _claimant_names
    events = apps.get_model("claims", "ClaimantEvent")  # made by pghistory's @track below
    version = events.objects.aggregate(newest=models.Max("pgh_id"))["newest"]
    if _claimant_names is None or _claimant_names[0] != version:
        _claimant_names = (version, spelling.NameIndex(dict(Claimant.objects.values_list("name", "aliases"))))
    return _claimant_names[1]


class ClaimantQuerySet(models.QuerySet):
    def named(self, name: str) -> ClaimantQuerySet:
        """The claimant called `name`, or known by it (an alias), whatever the letter case."""
        return self.named_any([name])

    def named_any(self, names: Iterable[str]) -> ClaimantQuerySet:
        """The claimants called, or known by, any of `names`, whatever the letter case, in one query. Both
        sides are lower-cased by PostgreSQL, so Python's and the database's idea of a capital never differ."""
        wanted = sorted(set(names))
        named = RawSQL(
            "lower(claims_claimant.name) = ANY(SELECT lower(wanted) FROM unnest(%s::text[]) AS wanted)"
            " OR EXISTS (SELECT 1 FROM unnest(claims_claimant.aliases) AS alias"
            " WHERE lower(alias) = ANY(SELECT lower(wanted) FROM unnest(%s::text[]) AS wanted))",
            [wanted, wanted],
            output_field=models.BooleanField(),
        )
        return self.filter(named)

    def suggested_names(self, typed: str, *, limit: int) -> list[str]:
        """Names for the claimant typeahead, best first: those that start with what was typed (or its
        spelling in the other script), then those whose name or alias contains it, then near spellings
        (claims/spelling.py). Always the claimant's own name, so choosing one never makes a new claimant."""
        spellings = spelling.variants(typed)
        with_aliases = self.annotate(
            alias_text=Func(F("aliases"), Value("\n"), function="array_to_string", output_field=models.TextField())
        )
        starting = Q()
        containing = Q()
        for form in spellings:
            starting |= Q(name__istartswith=form)
            containing |= Q(name__icontains=form) | Q(alias_text__icontains=form)
        names = list(with_aliases.filter(starting).order_by("name").values_list("name", flat=True)[:limit])
        if len(names) < limit:
            more = with_aliases.filter(containing).exclude(name__in=names).order_by("name")
            names += list(more.values_list("name", flat=True)[: limit - len(names)])
        if len(names) < limit:
            names += claimant_name_index().nearest(typed, limit=limit - len(names), leave_out=names)
        return names

    def with_track_record(self) -> ClaimantQuerySet:
        """Claims made (merged duplicates left out), by verdict, and claims repeated (appearances)."""
        on_desk = Q(claims__merged_into__isnull=True)
        repeated = Appearance.objects.filter(claimant=OuterRef("pk"), claim__merged_into__isnull=True)
        return self.annotate(
            claim_count=Count("claims", filter=on_desk),
            confirmed_count=Count("claims", filter=on_desk & Q(claims__status=Status.CONFIRMED)),
            false_count=Count("claims", filter=on_desk & Q(claims__status__in=[Status.FALSE, Status.MISLEADING])),
            repeated_count=CountOf(repeated.exclude(claim__claimant=OuterRef("pk")).values("claim").distinct()),
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Claimant(models.Model):
    """Who made a claim: a ministry, a spokesperson, an official, an outlet, an account."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ClaimantKind, default=ClaimantKind.OTHER)
    affiliation = models.ForeignKey(
        Affiliation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claimants",
        help_text="Leave empty when unknown: then no evidence counts as independent of this claimant.",
    )
    description = models.TextField(blank=True)
    url = WebURLField(blank=True)
    aliases = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Other names and spellings in any script (MoD, Минобороны России); the typeahead finds them.",
    )

    objects = ClaimantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="claims_claimant_name_unique_ci"),
            choices_constraint("kind", ClaimantKind),
            web_url_constraint("url", blank_allowed=True),
        ]
        triggers = [
            # Claims are searchable by their claimant's name: a rename refreshes their vectors
            # (the claim trigger recomputes the vector on any update).
            pgtrigger.Trigger(
                name="claimant_rename_refreshes_search",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.AnyChange("name", "aliases"),
                func="UPDATE claims_claim SET search_vector = NULL WHERE claimant_id = NEW.id; RETURN NULL;",
            ),
            # Names and aliases are searched words too (SearchWord).
            *search_words_triggers(
                "claimant_",
                inserted="SELECT concat_ws(' ', name, array_to_string(aliases, ' ')) AS text FROM added",
                changed="""
                        SELECT concat_ws(' ', a.name, array_to_string(a.aliases, ' ')) AS text
                        FROM after_rows a JOIN before_rows b USING (id)
                        WHERE a.name <> b.name OR a.aliases <> b.aliases
                    """,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return id_url("claims:claimant", self.pk)


class OutletQuerySet(models.QuerySet):
    def for_url(self, url: str) -> Outlet | None:
        """The outlet that publishes at this address: its domain or the nearest parent domain."""
        candidates = parent_domains(domain_of(url))
        matches = {outlet.domain: outlet for outlet in self.filter(domain__in=candidates)}
        return next((matches[domain] for domain in candidates if domain in matches), None)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Outlet(models.Model):
    """A publisher of sources, recognised from a URL's domain."""

    domain = models.CharField(max_length=253, unique=True, help_text="Host name without www., e.g. reuters.com")
    name = models.CharField(max_length=200)
    affiliation = models.ForeignKey(
        Affiliation, on_delete=models.PROTECT, null=True, blank=True, related_name="outlets"
    )

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")) & ~Q(domain__startswith="www.") & ~Q(domain=""),
                name="claims_outlet_domain_normalised",
            )
        ]

    def __str__(self) -> str:
        return self.name


class NormalizedURLField(WebURLField):
    """Keeps URLs in their canonical form (claims.links.normalize_url).

    to_python() normalises, and Django calls it when validating forms and the admin (so a
    duplicate is reported beside the field, not as a database error), for QuerySet.update() and
    exact look-ups; pre_save() covers save() and bulk_create(). A CHECK constraint refuses
    non-canonical spellings from raw SQL.
    """

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return normalize_url(value) if value else value
        except InvalidURL:
            return value  # left for the validators (a message beside the field) and the CHECK

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = normalize_url(value)
            setattr(model_instance, self.attname, value)
        return value


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Source(models.Model):
    """One document that evidence points to."""

    url = NormalizedURLField(unique=True)
    title = models.CharField(max_length=500, blank=True)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="sources")
    kind = models.CharField(max_length=20, choices=SourceKind, default=SourceKind.ARTICLE)
    published_at = models.DateTimeField(null=True, blank=True)
    archive_url = WebURLField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            choices_constraint("kind", SourceKind),
            web_url_constraint("url", blank_allowed=False),
            web_url_constraint("archive_url", blank_allowed=True),
            # The database's half of normalisation: lower-case ASCII host, a path, no default port,
            # fragment or utm_ parameter. Catches QuerySet.update() and raw SQL.
            models.CheckConstraint(
                condition=Q(url__regex=CANONICAL_URL_REGEX)
                & ~Q(url__regex=r"^http://[^/]+:80/|^https://[^/]+:443/|#|[?&]utm_"),
                name="claims_source_url_canonical",
            ),
        ]
        indexes = [models.Index(fields=["outlet", "-added_at"], name="claims_source_outlet_added")]

    def __str__(self) -> str:
        return self.title or self.url

    def save(self, *args, **kwargs) -> None:
        # Recognise the outlet from the domain, so independence can be judged.
        if self.outlet_id is None and self.url:
            self.outlet = Outlet.objects.for_url(self.url)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.url and self.outlet and self.outlet.domain not in parent_domains(domain_of(self.url)):
            raise ValidationError({"outlet": f"{self.outlet} publishes at {self.outlet.domain}, not at this address."})

    @property
    def wayback_url(self) -> str:
        """The Internet Archive's newest copy of the page (its address without a date opens that copy;
        with `*/` it would open a search of every copy)."""
        return f"https://web.archive.org/web/{self.url}"


def independent_corroboration(evidence: str = "") -> Q:
    """Evidence rows that count as independent corroboration of their claim (docs/architecture.md, "Independence").

    Corroborating, not a mere relay of the claimant, and the outlet's affiliation and the
    claimant's are both known and differ. Count it over the outlet with distinct=True so several
    sources from one outlet count once. `evidence` is the path from the queried model to
    Evidence: "evidence__" from Claim, "" from Evidence itself.
    """
    claimant_affiliation = "claimant__affiliation" if evidence else "claim__claimant__affiliation"
    outlet_affiliation = f"{evidence}source__outlet__affiliation"
    return Q(
        **{
            f"{evidence}stance": Stance.CORROBORATES,
            f"{evidence}repeats_claimant": False,
            f"{outlet_affiliation}__isnull": False,
            f"{claimant_affiliation}__isnull": False,
        }
    ) & ~Q(**{outlet_affiliation: F(claimant_affiliation)})


def search_query(words: str) -> SearchQuery:
    """What the claims search asks the index for: the English query finds stemmed forms, the simple one
    names and Cyrillic words as typed (the stored vector holds both)."""
    query = SearchQuery(words, search_type="websearch", config="english") | SearchQuery(
        words, search_type="websearch", config="simple"
    )
    # Cyrillic words romanised too ("Роботине" finds "Robotyne"): claims/spelling.py. Only spellings
    # whose words the desk has: PostgreSQL guesses that a word it has no statistics for matches some
    # thousands of claims, and with a few such words it would read the claims newest first looking
    # for them (1.5 s at a million claims) instead of asking the index.
    others = spelling.variants(words)[1:]
    known = search_word_index() if others else None
    for other in others:
        if known and known.has_every_word(other):
            query |= SearchQuery(other, search_type="websearch", config="simple")
    return query


class ClaimQuerySet(models.QuerySet):
    def assigned_to(self, user) -> ClaimQuerySet:
        """The person's claims on the desk, most urgent first, then oldest."""
        return self.on_desk().filter(assignee=user).order_by("-priority", "created_at", "id")

    def waiting_for_review(self) -> ClaimQuerySet:
        """Unverified claims nobody has proposed a status for yet, longest waiting first."""
        never_proposed = ~Exists(Review.objects.filter(claim=OuterRef("pk")))
        return self.on_desk().filter(never_proposed, status=Status.UNVERIFIED).order_by("created_at", "id")

    def status_counts(self, *, cap: int) -> dict[str, int] | None:
        """Claims per status in this queryset, or None when it holds more than `cap` claims.

        At most cap + 1 rows are read, so a broad filter costs the same as a narrow one (the whole
        desk's counts come exact from StatusCount instead).
        """
        statuses = [status for _, status in self.order_by().values_list("pk", "status")[: cap + 1]]
        return None if len(statuses) > cap else Counter(statuses)

    def with_evidence_summary(self) -> ClaimQuerySet:
        """Annotate the counts behind "3 corroborating (1 independent) · 1 contradicting"."""
        return self.annotate(
            corroborating_count=Count("evidence", filter=Q(evidence__stance=Stance.CORROBORATES), distinct=True),
            independent_count=Count(
                "evidence__source__outlet", filter=independent_corroboration("evidence__"), distinct=True
            ),
            contradicting_count=Count("evidence", filter=Q(evidence__stance=Stance.CONTRADICTS), distinct=True),
            context_count=Count("evidence", filter=Q(evidence__stance=Stance.CONTEXT), distinct=True),
        )

    def with_review_state(self) -> ClaimQuerySet:
        return self.annotate(
            has_pending_review=Exists(Review.objects.filter(claim=OuterRef("pk"), decision=Decision.PENDING))
        )

    def search(self, words: str, *, query: SearchQuery | None = None) -> ClaimQuerySet:
        """Full-text search in websearch syntax ("robotyne -tass", "\"more advantageous\""); results carry a
        `rank` for ordering by relevance. `query`: search_query(words), when the caller has made it already."""
        query = query or search_query(words)
        return self.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))

    def similar_to(self, text: str, *, exclude: int | None = None, limit: int = 5) -> ClaimQuerySet:
        """Claims that share the most words with `text`, best first: the duplicate guard.

        Any shared word that carries the claim matches (an OR query), and ranking by cover density
        puts claims that share many words, close together, on top. Only the newest SIMILAR_CANDIDATES
        matches are ranked: a common word matches a hundred thousand claims at scale, and ranking
        them all took seconds; a claim is mostly logged again while it is news.
        """
        words = claim_words_in_order(text)[:SIMILAR_WORDS]
        if len(words) < 2:
            return self.none()
        raw = " | ".join(f"'{word}'" for word in words)  # letters and digits only: nothing to escape
        query = SearchQuery(raw, search_type="raw", config="english") | SearchQuery(
            raw, search_type="raw", config="simple"
        )
        newest = self.filter(search_vector=query).exclude(pk=exclude).order_by("-id").values("pk")
        rank = SearchRank(F("search_vector"), query, cover_density=True, normalization=Value(32))
        similar = self.filter(pk__in=newest[:SIMILAR_CANDIDATES]).annotate(similarity=rank)
        return (
            similar.filter(similarity__gte=SIMILARITY_FLOOR).select_related("claimant").order_by("-similarity")[:limit]
        )

    def on_desk(self) -> ClaimQuerySet:
        """Claims the desk works on: everything but duplicates merged into another claim."""
        return self.filter(merged_into__isnull=True)

    def repeated_by(self, claimant: Claimant) -> ClaimQuerySet:
        """Claims on the desk that `claimant` repeated (appearances) but did not make."""
        repeated = Appearance.objects.filter(claimant=claimant).values("claim_id")
        return self.on_desk().filter(pk__in=repeated).exclude(claimant=claimant)

    def track_record(self, claimant: Claimant) -> dict[str, int]:
        """How many of the claims a claimant made or repeated stand at each status: two grouped
        counts, the claims made read from the (claimant, status) index alone."""
        made = self.on_desk().filter(claimant=claimant).order_by().values_list("status").annotate(n=Count("*"))
        repeated = self.repeated_by(claimant).order_by().values_list("status").annotate(n=Count("*"))
        counts: dict[str, int] = {}
        for status, count in [*made, *repeated]:
            counts[status] = counts.get(status, 0) + count
        return counts

    def newest_on_record_of(self, claimant: Claimant, limit: int) -> list[int]:
        """Ids of the `limit` claims a claimant made or repeated, latest claimed first: the first
        rows of each kind from its own index, merged."""
        order = ("-claimed_on", "-id")
        made = self.on_desk().filter(claimant=claimant).order_by(*order).values_list("claimed_on", "pk")[:limit]
        repeated = self.repeated_by(claimant).order_by(*order).values_list("claimed_on", "pk")[:limit]
        return [pk for _, pk in sorted([*made, *repeated], reverse=True)[:limit]]

    def for_list(self) -> ClaimQuerySet:
        return self.select_related("claimant__affiliation", "assignee").with_evidence_summary().with_review_state()

    def first_for_list(self, limit: int) -> list[Claim]:
        """The first `limit` claims of this queryset, annotated for a list.

        The rows are picked bare (the indexes serve the filter, order and limit), then only they are
        annotated: aggregating evidence before the LIMIT would count it for every matching claim.
        """
        return Claim.objects.listed(list(self.values_list("pk", flat=True)[:limit]))

    def listed(self, ids: list[int]) -> list[Claim]:
        """The claims with these ids, annotated for a list, in the order of `ids`: only the columns the
        claims table shows (a claim's search vector alone outweighs the rest of its row)."""
        annotated = self.for_list().only(*CLAIM_TABLE_COLUMNS).in_bulk(ids)
        return [annotated[pk] for pk in ids]


# What the claims table and the queue's cards (templates/jinja2/claims/) read of a claim and the rows
# joined to it.
CLAIM_TABLE_COLUMNS = (
    "text",
    "status",
    "priority",
    "created_at",
    "claimed_on",
    "claimant__name",
    "claimant__affiliation__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


# Adds each status's change in claims (rows of `changes`: status, delta) to StatusCount.
STATUS_COUNT_APPLY = """
    INSERT INTO claims_statuscount (status, claims)
    SELECT status, sum(delta) FROM ({changes}) AS changes GROUP BY status
    ON CONFLICT (status) DO UPDATE SET claims = claims_statuscount.claims + EXCLUDED.claims;
    RETURN NULL;
"""


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=["search_vector"])
class Claim(models.Model):
    """A statement as one checkable sentence, and the desk's current assessment of it."""

    text = models.TextField(
        max_length=CLAIM_TEXT_MAX, help_text="The claim as one checkable sentence, in the desk's words."
    )
    claimant = models.ForeignKey(Claimant, on_delete=models.PROTECT, related_name="claims")
    claimed_on = models.DateField(help_text="The day the claim was made.")
    claimed_time = models.TimeField(
        null=True, blank=True, help_text="Only when the source gives it, in the newsroom's time zone."
    )
    event_on = models.DateField(null=True, blank=True, help_text="When the event it describes happened.")
    event_place = models.CharField(max_length=200, blank=True)
    origin_url = WebURLField("origin URL", blank=True, help_text="Where the claim was made.")
    quote = models.TextField(blank=True, help_text="The claimant's words, verbatim.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims", through="ClaimTag")
    priority = models.PositiveSmallIntegerField(choices=Priority, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_claims"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.UNVERIFIED, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Optimistic locking: an edit based on an older version is refused (claims/<id>/edit/).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Filled by a database trigger from the text, the quote and the claimant's name.
    search_vector = SearchVectorField(null=True, editable=False)
    # A duplicate an editor merged into the claim it repeats (docs/architecture.md, "Duplicates"):
    # kept with its history, left out of lists and counts, its page redirects to the original.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="merged_duplicates"
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    merge_reason = models.TextField(blank=True, default="", db_default="", editable=False)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_constraint("status", Status),
            choices_constraint("priority", Priority),
            web_url_constraint("origin_url", blank_allowed=True),
            models.CheckConstraint(condition=~Q(text=""), name="claims_claim_text_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), CLAIM_TEXT_MAX), name="claims_claim_text_one_sentence"
            ),
            models.CheckConstraint(
                condition=(Q(merged_into__isnull=True) & Q(merged_at__isnull=True))
                | (Q(merged_into__isnull=False) & Q(merged_at__isnull=False) & ~Q(merged_into=F("pk"))),
                name="claims_claim_merge_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="claims_claim_newest"),
            models.Index(fields=["status", "-created_at", "-id"], name="claims_claim_status_newest"),
            models.Index(fields=["-priority", "-created_at", "-id"], name="claims_claim_priority"),
            models.Index(fields=["-updated_at", "-id"], name="claims_claim_last_activity"),
            models.Index(fields=["assignee", "status"], name="claims_claim_assignee"),
            # "Assigned to me" on the dashboard, most urgent and then oldest first.
            models.Index(fields=["assignee", "-priority", "created_at", "id"], name="claims_claim_assignee_queue"),
            models.Index(fields=["claimant", "-claimed_on"], name="claims_claim_claimant"),
            # A claimant's track record counts statuses from the index alone (merged duplicates left out).
            models.Index(
                fields=["claimant", "status"],
                condition=Q(merged_into__isnull=True),
                name="claims_claim_claimant_status",
            ),
            models.Index(fields=["claimed_on"], name="claims_claim_claimed_on"),
            GinIndex(fields=["search_vector"], name="claims_claim_search"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="claim_search_vector",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                # English stemming finds "captured" for "capture"; the `simple` configuration keeps
                # names and Cyrillic words as typed; Cyrillic is added again in Latin letters by the
                # Ukrainian and the Russian systems, so "Kharkiv" finds "Харків"; the claimant counts
                # by its name and its aliases (docs/architecture.md, "Search", "Every spelling").
                declare=[("claimant_names", "text"), ("cyrillic", "text")],
                func="""
                    claimant_names := coalesce((
                        SELECT name || ' ' || array_to_string(aliases, ' ')
                        FROM claims_claimant WHERE id = NEW.claimant_id), '');
                    cyrillic := concat_ws(' ', NEW.text, NEW.quote, claimant_names);
                    NEW.search_vector :=
                        setweight(to_tsvector('english', coalesce(NEW.text, '')), 'A')
                        || setweight(to_tsvector('simple', coalesce(NEW.text, '')), 'A')
                        || setweight(to_tsvector('english', coalesce(NEW.quote, '')), 'B')
                        || setweight(to_tsvector('simple', coalesce(NEW.quote, '')), 'B')
                        || setweight(to_tsvector('simple', claimant_names), 'C');
                    IF cyrillic ~ '[А-яЁёІіЇїЄєҐґ]' THEN
                        NEW.search_vector := NEW.search_vector
                            || setweight(to_tsvector('simple', claims_romanized_uk(cyrillic)), 'D')
                            || setweight(to_tsvector('simple', claims_romanized_ru(cyrillic)), 'D');
                    END IF;
                    RETURN NEW;
                """,
            ),
            # Keep StatusCount exact. Statement-level triggers with transition tables: one call per
            # statement however many rows it writes (a bulk update or a COPY of a million claims).
            pgtrigger.Trigger(
                name="status_count_insert",
                level=pgtrigger.Statement,
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                referencing=pgtrigger.Referencing(new="added"),
                func=STATUS_COUNT_APPLY.format(
                    changes="SELECT status, 1 AS delta FROM added WHERE merged_into_id IS NULL"
                ),
            ),
            pgtrigger.Trigger(
                name="status_count_update",
                level=pgtrigger.Statement,
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                referencing=pgtrigger.Referencing(old="before_rows", new="after_rows"),
                func=STATUS_COUNT_APPLY.format(
                    changes="""
                        SELECT a.status, 1 AS delta FROM after_rows a JOIN before_rows b USING (id)
                        WHERE a.merged_into_id IS NULL
                        AND (a.status <> b.status OR b.merged_into_id IS NOT NULL)
                        UNION ALL
                        SELECT b.status, -1 FROM after_rows a JOIN before_rows b USING (id)
                        WHERE b.merged_into_id IS NULL
                        AND (a.status <> b.status OR a.merged_into_id IS NOT NULL)
                    """
                ),
            ),
            pgtrigger.Trigger(
                name="status_count_delete",
                level=pgtrigger.Statement,
                operation=pgtrigger.Delete,
                when=pgtrigger.After,
                referencing=pgtrigger.Referencing(old="removed"),
                func=STATUS_COUNT_APPLY.format(
                    changes="SELECT status, -1 AS delta FROM removed WHERE merged_into_id IS NULL"
                ),
            ),
            # The words of claims' texts and quotes (SearchWord), from every way a claim is written: the
            # browser, imports, the API and bulk loads alike.
            *search_words_triggers(
                "",
                inserted="SELECT concat_ws(' ', text, quote) AS text FROM added",
                changed="""
                        SELECT concat_ws(' ', a.text, a.quote) AS text FROM after_rows a JOIN before_rows b USING (id)
                        WHERE a.text <> b.text OR a.quote <> b.quote
                    """,
            ),
            pgtrigger.Trigger(
                name="status_count_truncate",
                level=pgtrigger.Statement,
                operation=pgtrigger.Truncate,
                when=pgtrigger.After,
                func="DELETE FROM claims_statuscount; DELETE FROM claims_searchword; RETURN NULL;",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return id_url("claims:detail", self.pk)

    # What a verdict is about: once a claim has an approved review these change only through an
    # editor, with a reason, recorded as a correction (docs/architecture.md, "Verdicts do not drift").
    VERDICT_SUBJECT_FIELDS = ("text", "claimant", "claimed_on", "claimed_time", "origin_url", "quote")

    # What a person edits on /claims/<id>/edit/; compared when two edits collide.
    EDITABLE_FIELDS = (
        "text",
        "claimant",
        "claimed_on",
        "claimed_time",
        "event_on",
        "event_place",
        "origin_url",
        "quote",
        "priority",
        "assignee",
    )

    def tag_list(self) -> str:
        return ", ".join(sorted(tag.name for tag in self.tags.all()))

    def changes_since(self, version: int) -> list[tuple[str, str, str]]:
        """(field, then, now) for each edited field that differs from what `version` held.

        The earlier version comes from the audit history, which snapshots every write.
        """
        then = self.events.filter(version=version).order_by("-pgh_id").first()
        if then is None:
            return []
        return [
            (capfirst(field.verbose_name), _shown(then, field), _shown(self, field))
            for field in self.edited_fields(then, self)
        ]

    @classmethod
    def edited_fields(cls, before, after) -> list[models.Field]:
        """The editable fields that differ between two versions of a claim (rows or audit events)."""
        fields = [cls._meta.get_field(name) for name in cls.EDITABLE_FIELDS]
        return [field for field in fields if getattr(before, field.attname) != getattr(after, field.attname)]

    @property
    def work_state(self) -> WorkState:
        has_pending = getattr(self, "has_pending_review", None)
        if has_pending is None:
            has_pending = self.reviews.filter(decision=Decision.PENDING).exists()
        if has_pending:
            return WorkState.IN_REVIEW
        if self.status != Status.UNVERIFIED:
            return WorkState.DECIDED  # until someone proposes again
        return WorkState.IN_PROGRESS if self.assignee_id else WorkState.NEW


def _shown(row, field) -> str:
    """A field's value as a person reads it (a choice's label, a related object's name)."""
    if field.choices:
        return str(dict(field.flatchoices).get(getattr(row, field.attname), ""))
    value = getattr(row, field.name) if field.is_relation else getattr(row, field.attname)
    return "—" if value in (None, "") else str(value)


class LikelyDuplicate(models.Model):
    """Claim `claim` reads like claim `other` (claims/duplicates.py), found when either was logged or
    reworded; stored both ways. The claim page and the review queue read these rows instead of
    searching a million claims on every view.

    Derived data, recomputed from the claims' wording, so it has no audit history (like StatusCount).
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="duplicate_links")
    other = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "other"], name="claims_likelyduplicate_once"),
            models.CheckConstraint(condition=~Q(claim=F("other")), name="claims_likelyduplicate_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ~ {self.other_id}"


class SearchWord(models.Model):
    """A word the search can find: of a claim's text or quote, or a claimant's name or alias. It serves
    the search that finds nothing ("Did you mean robotyne?" for "Работино"), and tells which spellings of
    a search in the other script are worth asking for (claims/spelling.py, docs/architecture.md, "Every
    spelling").

    Written by the triggers on the claims and claimants tables. A word stays when the claim that brought
    it is reworded; a suggestion of it then finds nothing, and the search says so.
    """

    word = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.word


# The desk's words for suggestions, read once in each process and then only the words added since: the
# triggers only add, so the highest id tells what is new (and a lower one that the table was emptied).
_search_words: tuple[int, spelling.WordIndex] | None = None


def search_word_index() -> spelling.WordIndex:
    global _search_words
    newest = SearchWord.objects.aggregate(newest=models.Max("id"))["newest"] or 0
    if _search_words is None or newest < _search_words[0]:
        _search_words = (0, spelling.WordIndex())
    known, index = _search_words
    if newest > known:
        index.add(SearchWord.objects.filter(id__gt=known, id__lte=newest).values_list("word", flat=True).iterator())
        _search_words = (newest, index)
    return index


class StatusCount(models.Model):
    """How many claims have each status, kept exact by the triggers on the claims table.

    The dashboard and the unfiltered list read seven rows here instead of counting a million claims.
    It is derived data, so it has no audit history; each status change locks its two rows until the
    transaction ends, which is nothing at a newsroom's pace of decisions.
    """

    status = models.CharField(max_length=20, primary_key=True, choices=Status)
    claims = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.status}: {self.claims}"

    @classmethod
    def by_status(cls) -> dict[str, int]:
        return dict(cls.objects.values_list("status", "claims"))


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ClaimTag(models.Model):
    """The claim ↔ tag link, an explicit model so that tagging is audited like every other write."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "tag"], name="claims_claimtag_unique")]

    def __str__(self) -> str:
        return f"{self.claim_id} · {self.tag_id}"


class EvidenceQuerySet(models.QuerySet):
    def key_sources_of(self, claim_ids: Iterable[int], per_claim: int = 3) -> dict[int, list[Evidence]]:
        """{claim id: its first `per_claim` corroborating, then contradicting, sources} for a page of
        claims, in one query (the review queue's cards name them)."""
        found: dict[int, list[Evidence]] = {}
        evidence = (
            self.filter(claim_id__in=list(claim_ids), stance__in=[Stance.CORROBORATES, Stance.CONTRADICTS])
            .select_related("source__outlet")
            .order_by("claim_id", "-stance", "added_at", "id")  # descending: "corroborates" before "contradicts"
        )
        for item in evidence:
            shown = found.setdefault(item.claim_id, [])
            if len(shown) < per_claim:
                shown.append(item)
        return found


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Evidence(models.Model):
    """A claim ↔ source link with a stance."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=20, choices=Stance)
    repeats_claimant = models.BooleanField(
        default=False, help_text="The source only relays what the claimant said; it never counts as independent."
    )
    excerpt = models.TextField(blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source"], name="claims_evidence_one_per_claim_source"),
            choices_constraint("stance", Stance),
        ]
        indexes = [
            models.Index(fields=["claim", "stance"], name="claims_evidence_claim_stance"),
            # The dashboard's recent activity.
            models.Index(fields=["-added_at", "-id"], name="claims_evidence_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"

    @property
    def is_independent(self) -> bool:
        """The Python twin of independent_corroboration(), for one row already in memory."""
        claimant_affiliation = self.claim.claimant.affiliation_id
        outlet_affiliation = self.source.outlet.affiliation_id if self.source.outlet else None
        return (
            self.stance == Stance.CORROBORATES
            and not self.repeats_claimant
            and claimant_affiliation is not None
            and outlet_affiliation is not None
            and claimant_affiliation != outlet_affiliation
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Appearance(models.Model):
    """Another time the same claim was made: who said it, where, when and in what words.

    The desk checks a claim once; its repetitions (the ministry's claim relayed by a news agency, a
    Telegram repost) hang off the original and count in the repeaters' track records.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="appearances")
    claimant = models.ForeignKey(Claimant, on_delete=models.PROTECT, related_name="appearances")
    origin_url = WebURLField("origin URL", blank=True, help_text="Where it was said.")
    appeared_on = models.DateField(help_text="The day it was said.")
    quote = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["appeared_on", "added_at", "id"]
        constraints = [web_url_constraint("origin_url", blank_allowed=True)]
        indexes = [
            models.Index(fields=["claim", "appeared_on"], name="claims_appearance_claim"),
            models.Index(fields=["claimant", "claim"], name="claims_appearance_claimant"),
        ]

    def __str__(self) -> str:
        return f"{self.claimant} on {self.appeared_on}: claim {self.claim_id}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Correction(models.Model):
    """A change an editor made to what a decided claim says, and why; the next weekly report lists it."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="corrections")
    reason = models.TextField()
    # [{"field": "Claim", "before": "…", "after": "…"}, …], as a person reads the values.
    changes = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status, help_text="The verdict it corrected.")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="claims_correction_reason_not_empty"),
            choices_constraint("status", Status),
        ]
        indexes = [
            models.Index(fields=["made_at"], name="claims_correction_made_at"),
            models.Index(fields=["claim", "made_at"], name="claims_correction_claim"),
        ]

    def __str__(self) -> str:
        return f"Correction of claim {self.claim_id} at {self.made_at:%Y-%m-%d %H:%M}"


class ReviewQuerySet(models.QuerySet):
    def pending(self) -> ReviewQuerySet:
        return self.filter(decision=Decision.PENDING)

    def for_queue(self) -> ReviewQuerySet:
        """The editors' queue: pending proposals, most urgent claim first, then longest waiting. The
        snapshot of the evidence is taken on approval; nothing pending has one worth reading."""
        queue = self.pending().select_related("proposed_by").defer("evidence_snapshot", "decision_note")
        return queue.order_by("-claim__priority", "proposed_at", "id")

    def returned_to(self, user) -> ReviewQuerySet:
        """The person's proposals an editor returned, until they act on the claim again (a newer proposal)."""
        newer = Review.objects.filter(claim=OuterRef("claim"), proposed_at__gt=OuterRef("proposed_at"))
        return (
            self.filter(proposed_by=user, decision=Decision.RETURNED)
            .exclude(Exists(newer))
            .select_related("claim", "decided_by")
            .order_by("-decided_at")
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Review(models.Model):
    """A proposed status change. Approved reviews are the claim's status history."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reviews")
    previous_status = models.CharField(max_length=20, choices=Status)
    proposed_status = models.CharField(max_length=20, choices=Status)
    rationale = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # What the editor approved on: the evidence summary and the key sources at the moment of the
    # decision. Weekly reports quote this, so evidence removed later does not change a past week.
    evidence_snapshot = models.JSONField(default=dict, blank=True, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        permissions = [("decide_review", "Can approve or return a proposed status")]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(decision=Decision.PENDING),
                name="claims_review_one_pending_per_claim",
            ),
            choices_constraint("previous_status", Status),
            choices_constraint("proposed_status", Status),
            choices_constraint("decision", Decision),
            models.CheckConstraint(condition=~Q(rationale=""), name="claims_review_rationale_not_empty"),
            # A decided review records when; a pending one has no decision yet.
            models.CheckConstraint(
                condition=(Q(decision=Decision.PENDING) & Q(decided_at__isnull=True) & Q(decided_by__isnull=True))
                | (~Q(decision=Decision.PENDING) & Q(decided_at__isnull=False) & Q(decided_by__isnull=False)),
                name="claims_review_decision_complete",
            ),
        ]
        indexes = [
            # The editors' queue: pending only, oldest first (priority comes from the claim).
            models.Index(fields=["proposed_at"], condition=Q(decision=Decision.PENDING), name="claims_review_queue"),
            models.Index(fields=["claim", "-decided_at"], name="claims_review_claim_history"),
            # A week's verdicts; the claims they are about come from the index alone (weekly reports).
            models.Index(
                fields=["decided_at"],
                include=["claim"],
                condition=Q(decision=Decision.APPROVED),
                name="claims_review_approved_at",
            ),
            # A claim's status at any moment, the last approval before it, from the index alone.
            models.Index(
                fields=["claim", "decided_at", "id"],
                include=["proposed_status"],
                condition=Q(decision=Decision.APPROVED),
                name="claims_review_approved_history",
            ),
            # The dashboard: recent proposals and decisions, and proposals returned to their author.
            models.Index(fields=["-proposed_at", "-id"], name="claims_review_newest"),
            models.Index(
                fields=["-decided_at", "-id"], condition=Q(decided_at__isnull=False), name="claims_review_decided"
            ),
            models.Index(
                fields=["proposed_by", "-decided_at"],
                condition=Q(decision=Decision.RETURNED),
                name="claims_review_returned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.previous_status} → {self.proposed_status} ({self.decision})"


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JSON = "json", "JSON"


class JobState(models.TextChoices):
    """Where a row a background job works on stands: a capture of a source, a report file."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


JOB_FINISHED = (JobState.DONE, JobState.FAILED)


class ReportExportQuerySet(models.QuerySet):
    def unfinished(self) -> ReportExportQuerySet:
        return self.filter(state__in=[JobState.QUEUED, JobState.RUNNING])


@pghistory.track(
    pghistory.InsertEvent(),
    # The audit history records an export being asked for and how it ended, not each line of progress.
    pghistory.UpdateEvent(condition=pghistory.AnyChange("state")),
    pghistory.DeleteEvent(),
)
class ReportExport(models.Model):
    """The PDF or JSON file of a busy week's report, written by a worker (claims.tasks.export_report)
    and kept in the default storage under reports/ (docs/report-format.md, "Busy weeks")."""

    week = models.CharField(max_length=8)  # "2024-W20", as in the report's address
    format = models.CharField(max_length=4, choices=ExportFormat)
    state = models.CharField(max_length=10, choices=JobState, default=JobState.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)  # why it failed
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The file's name in the default storage, read through claims.exports.storage() at use time.
    file_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)

    objects = ReportExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            choices_constraint("format", ExportFormat),
            choices_constraint("state", JobState),
            models.CheckConstraint(condition=Q(week__regex=r"^[0-9]{4}-W[0-9]{2}$"), name="claims_reportexport_week"),
            models.CheckConstraint(
                condition=Q(state__in=JOB_FINISHED, finished_at__isnull=False)
                | (~Q(state__in=JOB_FINISHED) & Q(finished_at__isnull=True)),
                name="claims_reportexport_finished_when_finished",
            ),
            # A finished file is always there to check: its name, its hash and its size.
            models.CheckConstraint(
                condition=~Q(state=JobState.DONE)
                | (~Q(file_name="") & Q(sha256__regex=r"^[0-9a-f]{64}$") & Q(size__isnull=False)),
                name="claims_reportexport_done_has_file",
            ),
            # One export under way per week and format: asking again while it runs gets the running one.
            models.UniqueConstraint(
                fields=["week", "format"],
                condition=Q(state__in=[JobState.QUEUED, JobState.RUNNING]),
                name="claims_reportexport_one_unfinished",
            ),
        ]
        indexes = [models.Index(fields=["week", "format", "-requested_at"], name="claims_reportexport_newest")]

    def __str__(self) -> str:
        return f"{self.get_format_display()} of {self.week} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in JOB_FINISHED
