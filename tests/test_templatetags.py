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


# --- The Jinja2 side (newsdesk/jinja2.py): its date filters write what Django's `date` filter writes ---

MOMENTS = [
    dt.datetime(2024, 5, 15, 3, 7, 9, tzinfo=dt.UTC),  # the small hours in UTC, morning in Kyiv
    dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC),  # New Year's Eve in UTC, next year in Kyiv
    dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC),  # an hour before the clocks change
    dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize(
    ("jinja_filter", "django_format"), [("day", "j M Y"), ("day_time", "j M Y, H:i"), ("clock", "H:i:s"), ("iso", "c")]
)
def test_the_jinja2_date_filters_write_what_django_writes(moment, jinja_filter, django_format):
    from django.template import engines

    django_side = engines["django"].from_string(f'{{{{ moment|date:"{django_format}" }}}}').render({"moment": moment})
    jinja_side = engines["jinja2"].from_string(f"{{{{ moment|{jinja_filter} }}}}").render({"moment": moment})
    assert jinja_side == django_side


def test_a_jinja2_template_escapes_what_it_shows_and_refuses_a_missing_variable():
    from django.template import engines
    from jinja2 import UndefinedError

    template = engines["jinja2"].from_string("<p title='{{ text }}'>{{ text }}</p>")
    escaped = "&lt;b&gt;&#34;1&#34; &amp; &#39;2&#39;&lt;/b&gt;"
    assert template.render({"text": "<b>\"1\" & '2'</b>"}) == f"<p title='{escaped}'>{escaped}</p>"
    with pytest.raises(UndefinedError):
        template.render({})  # a typo in a hot template fails its tests instead of leaving a cell empty


def test_options_marks_the_chosen_one_and_escapes_every_value_and_label():
    from claims.templatetags.desk import options

    html = options([("", "Anyone"), (2, "High"), ('"><script>', "<b>bold</b>")], 2)
    assert html == (
        '<option value="">Anyone</option><option value="2" selected>High</option>'
        '<option value="&quot;&gt;&lt;script&gt;">&lt;b&gt;bold&lt;/b&gt;</option>'
    )
    assert options(["drones", "Crimea"], "Crimea") == (
        '<option value="drones">drones</option><option value="Crimea" selected>Crimea</option>'
    )
    assert options(["drones"], None) == '<option value="drones">drones</option>'


@pytest.mark.django_db
def test_options_offers_people_by_username_under_their_name(fact_checker):
    from claims.templatetags.desk import options

    assert options([fact_checker], fact_checker.username) == (
        f'<option value="{fact_checker.username}" selected>Olena Marchenko</option>'
    )
