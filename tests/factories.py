from __future__ import annotations

import datetime as dt
from importlib import import_module

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from claims.models import Affiliation, Claim, Claimant, Evidence, Outlet, Review, Source, Stance, Status, Tag
from claims.roles import EDITORS, FACT_CHECKERS

PASSWORD = "correct horse battery"  # every test user's password, for tests that sign in through the form


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(role_group(extracted))
        if create:
            self.save()


def role_group(name: str) -> Group:
    """The role's group as the data migration made it.

    Transactional tests (the browser tests) empty every table afterwards, data-migration rows
    included, so the group is rebuilt here from the migration's own permission lists.
    """
    group, created = Group.objects.get_or_create(name=name)
    if created:
        roles = import_module("claims.migrations.0002_roles").ROLES
        group.permissions.set(Permission.objects.filter(content_type__app_label="claims", codename__in=roles[name]))
    return group


def make_fact_checker(**kwargs):
    return UserFactory(role=FACT_CHECKERS, **kwargs)


def make_editor(**kwargs):
    return UserFactory(role=EDITORS, **kwargs)


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Side {n}")


class ClaimantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claimant

    name = factory.Sequence(lambda n: f"Ministry {n}")
    affiliation = factory.SubFactory(AffiliationFactory)


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    domain = factory.Sequence(lambda n: f"outlet{n}.example.org")
    name = factory.Sequence(lambda n: f"Outlet {n}")
    affiliation = factory.SubFactory(AffiliationFactory)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    outlet = factory.SubFactory(OutletFactory)
    url = factory.LazyAttributeSequence(lambda source, n: f"https://{source.outlet.domain}/story/{n}")
    title = factory.Sequence(lambda n: f"Story {n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"Forces took village number {n}.")
    claimant = factory.SubFactory(ClaimantFactory)
    claimed_on = dt.date(2024, 5, 15)

    @factory.post_generation
    def tags(self, create, names, **kwargs):
        if create and names:
            self.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Stance.CORROBORATES


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    claim = factory.SubFactory(ClaimFactory)
    previous_status = Status.UNVERIFIED
    proposed_status = Status.CORROBORATED
    rationale = "Independent reporting supports it."
    proposed_by = factory.SubFactory(UserFactory)


def claim_form_data(**overrides) -> dict:
    """What the claim form (/claims/new/ and /claims/<id>/edit/, claims.forms.ClaimForm) posts: the
    fields it requires, filled in, and nothing optional (no tags, quote, origin or time) unless given.
    An edit also passes the `version` it was opened on (docs/architecture.md, "Editing safely")."""
    data = {
        "text": "Russian air defences shot down 17 drones over Belgorod.",
        "claimant_name": "Russian Ministry of Defence",
        "claimed_on": "2024-05-15",
        "priority": "1",
    }
    return {**data, **overrides}
