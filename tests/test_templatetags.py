from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims.templatetags.desk import age, person
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (dt.timedelta(seconds=20), "just now"),
        (dt.timedelta(minutes=5), "5 min"),
        (dt.timedelta(hours=26), "1 d"),
        (dt.timedelta(days=15), "2 wk"),
        (dt.timedelta(days=800), "2 yr"),
    ],
)
def test_age_is_one_compact_unit(delta, shown):
    assert age(timezone.now() - delta) == shown


@pytest.mark.django_db
def test_person_prefers_the_full_name(fact_checker):
    assert person(fact_checker) == "Olena Marchenko"
    assert person(UserFactory(username="anon", first_name="")) == "anon"
    assert person(None, "nobody") == "nobody"
