"""Input that used to end in a server error: each is now refused on its own (an import item, a cursor,
a week) or simply works (a host named www.www.…), and signed-in answers are kept out of caches."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from claims.filters import SORTS
from claims.imports import import_document
from claims.links import domain_of
from claims.models import Claim, Claimant, Evidence, Outlet, Source
from claims.paging import MAX_CURSOR_LENGTH, _decode, _encode
from claims.reports import IsoWeek
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

# --- ClaimReview import ---------------------------------------------------------------------------------

RAW = "__raw_json_number__"  # stands for a number json.dumps could not write (or would refuse to)


def review(number: int, **extra) -> dict:
    return {
        "@type": "ClaimReview",
        "claimReviewed": f"Claim number {number} was made",
        "url": f"https://factcheck.example.org/reviews/{number}",
        "name": f"Review {number}",
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A spokesman"}},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "worstRating": 1, "bestRating": 5},
        **extra,
    }


def rating(value) -> dict:
    return {"reviewRating": {"@type": "Rating", "ratingValue": value, "worstRating": 1, "bestRating": 5}}


def document(bad: dict, raw: str = "") -> str:
    """A file with a good review either side of the bad one (which is item #2)."""
    text = json.dumps([review(1), bad, review(3)])
    return text.replace(json.dumps(RAW), raw) if raw else text


BAD_ITEMS = {
    "@type an object": (review(2, **{"@type": {"@id": "ClaimReview"}}), "", "@type is not a name"),
    "@type a list with an object": (review(2, **{"@type": ["ClaimReview", {"a": 1}]}), "", "@type is not a name"),
    "@type a list with a list": (review(2, **{"@type": ["ClaimReview", ["x"]]}), "", "@type is not a name"),
    "a 5,000-digit number": (review(2, **rating(RAW)), "7" * 5000, "reviewRating.ratingValue is not a number"),
    "a 5,000-digit number elsewhere": (review(2, extra=RAW), "1" * 5000, "extra is not a number"),
    "a rating too large for a float": (review(2, **rating(RAW)), "1" + "0" * 400, "reviewRating.ratingValue"),
    "a float literal too large": (review(2, **rating(RAW)), "1e400", "reviewRating.ratingValue is not a number"),
    "NaN": (review(2, **rating(RAW)), "NaN", "reviewRating.ratingValue is not a number this desk can read"),
    "Infinity": (review(2, **rating(RAW)), "Infinity", "reviewRating.ratingValue is not a number"),
    "-Infinity as the best rating": (
        review(2, reviewRating={"ratingValue": 1, "bestRating": RAW}),
        "-Infinity",
        "reviewRating.bestRating is not a number",
    ),
    "a lone surrogate in the claim": (review(2, claimReviewed="Tanks \ud800 crossed"), "", "claimReviewed holds"),
    "a lone surrogate in the claimant": (
        review(2, itemReviewed={"author": {"name": "A \udfff spokesman"}}),
        "",
        "itemReviewed.author.name holds",
    ),
    "a lone surrogate in the title": (review(2, name="\udbff"), "", "name holds"),
    "a lone surrogate in the rating's words": (
        review(2, reviewRating={"ratingValue": 1, "alternateName": "Fa\ud800lse"}),
        "",
        "reviewRating.alternateName holds",
    ),
    "a lone surrogate in a key": (review(2, **{"note\ud800": "x"}), "", "holds a character"),
    "a NUL byte in the claim": (review(2, claimReviewed="Tanks\x00 crossed"), "", "claimReviewed holds"),
    "a NUL byte in the address": (review(2, url="https://factcheck.example.org/\x00"), "", "url holds"),
    "claimReviewed an object": (review(2, claimReviewed={"text": "x"}), "", "claimReviewed is not text"),
    "claimReviewed a number": (review(2, claimReviewed=12), "", "claimReviewed is not text"),
    "url a list": (review(2, url=["https://factcheck.example.org/2"]), "", "url is not text"),
    "itemReviewed a list": (review(2, itemReviewed=[{"author": "A spokesman"}]), "", "itemReviewed is not an object"),
    "the claimant's name an object": (
        review(2, itemReviewed={"author": {"name": {"first": "A"}}}),
        "",
        "itemReviewed.author.name is not text",
    ),
    "the author a number": (review(2, author=7), "", "author is not a name"),
    "reviewRating a list": (review(2, reviewRating=[1, 5]), "", "reviewRating is not an object"),
    "ratingValue an object": (review(2, **rating({"value": 1})), "", "reviewRating.ratingValue is not a number"),
    "ratingValue true": (review(2, **rating(True)), "", "reviewRating.ratingValue is not a number"),
    "the title a list": (review(2, name=["a", "b"]), "", "name is not text"),
}


@pytest.mark.parametrize(("bad", "raw", "reason"), BAD_ITEMS.values(), ids=BAD_ITEMS.keys())
def test_an_odd_item_is_rejected_alone_on_the_upload_page(editor_client, bad, raw, reason):
    upload = SimpleUploadedFile("reviews.json", document(bad, raw).encode(), content_type="application/ld+json")
    response = editor_client.post(reverse("claims:import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 created, 0 skipped, 1 rejected" in page, page
    assert "reviews.json #2" in page and reason in page
    assert sorted(Claim.objects.values_list("text", flat=True)) == [
        "Claim number 1 was made",
        "Claim number 3 was made",
    ]
    assert sorted(Source.objects.values_list("url", flat=True)) == [
        "https://factcheck.example.org/reviews/1",
        "https://factcheck.example.org/reviews/3",
    ]


def test_the_reason_for_an_unreadable_rating_is_a_sentence():
    report = import_document(document(review(2, **rating(RAW)), "NaN"), name="f.json")
    assert report.rejected == [("f.json #2", "reviewRating.ratingValue is not a number this desk can read")]


def test_a_numeric_rating_written_as_text_too_large_for_a_float_is_context_not_an_error():
    report = import_document(document(review(2, **rating("1e400"))), name="f.json")
    assert not report.rejected and Evidence.objects.get(source__url__endswith="/2").stance == "context"


def test_the_command_imports_the_good_items_around_an_odd_one(tmp_path, capsys):
    path = tmp_path / "reviews.jsonld"
    path.write_text(document(review(2, **rating(RAW)), "9" * 5000), encoding="utf-8")
    with pytest.raises(CommandError, match="1 item"):
        call_command("import_claimreview", str(path))
    out = capsys.readouterr().out
    assert "2 created, 0 skipped, 1 rejected." in out and "reviews.jsonld #2: reviewRating.ratingValue" in out


def test_an_item_that_breaks_the_import_itself_is_rejected_alone(monkeypatch):
    """The safety net: whatever goes wrong inside one item is that item's rejection, nothing more."""
    from claims import imports

    real = imports._import_one

    def fails_on_the_second(item, *, user):
        if item["url"].endswith("/2"):
            Claimant.objects.create(name="half written")
            raise ZeroDivisionError("a bug")
        return real(item, user=user)

    monkeypatch.setattr(imports, "_import_one", fails_on_the_second)
    report = import_document(json.dumps([review(1), review(2), review(3)]), name="f.json")
    assert len(report.created) == 2
    assert report.rejected == [
        ("f.json #2", "this item could not be imported (ZeroDivisionError); nothing of it was kept")
    ]
    assert not Claimant.objects.filter(name="half written").exists()


def test_objects_with_an_empty_type_are_not_taken_for_reviews():
    report = import_document(json.dumps({"@graph": [{"@type": None, "name": "x"}, review(1)]}), name="page.json")
    assert len(report.created) == 1 and not report.rejected


def test_graphs_nested_deeper_than_python_recurses_are_refused_not_a_500():
    text = '{"@graph": ' * 5000 + "[]" + "}" * 5000
    report = import_document(text, name="deep.json")
    assert report.rejected and not Claim.objects.exists()


def test_graphs_nested_just_under_the_parsers_limit_are_read():
    text = '{"@graph": ' * 300 + json.dumps([review(1)]) + "}" * 300
    report = import_document(text, name="deep.json")
    assert len(report.created) == 1, report.rejected


# --- Keyset cursors -------------------------------------------------------------------------------------


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_cursor_of_deeply_nested_json_gives_page_one(fact_checker_client):
    ClaimFactory()
    for depth in (100, 100_000):
        response = fact_checker_client.get(reverse("claims:list"), {"after": cursor_of("[" * depth + "]" * depth)})
        assert response.status_code == 200


def test_real_cursors_fit_well_within_the_length_limit_and_longer_ones_are_not_read():
    claim = ClaimFactory(priority=3)
    for ordering in SORTS.values():
        assert len(_encode(claim, ordering)) < 200 < MAX_CURSOR_LENGTH
    real = _encode(claim, SORTS["newest"])
    assert _decode(real, Claim.objects.all(), SORTS["newest"]) is not None
    padded = cursor_of(json.dumps([claim.created_at.isoformat(), claim.pk]) + " " * MAX_CURSOR_LENGTH)
    assert _decode(padded, Claim.objects.all(), SORTS["newest"]) is None


def test_a_nested_cursor_within_the_length_limit_decodes_to_nothing():
    depth = MAX_CURSOR_LENGTH // 3
    assert _decode(cursor_of("[" * depth + "]" * depth), Claim.objects.all(), SORTS["newest"]) is None


# --- Weeks ----------------------------------------------------------------------------------------------

FORMATS = ("csv", "json", "jsonld", "pdf")
OUT_OF_RANGE_WEEKS = ["0001-W01", "9999-W52", "0999-W10", "1899-W52", "9999-W01"]


@pytest.mark.parametrize("week", OUT_OF_RANGE_WEEKS)
def test_weeks_outside_the_desks_range_are_404_in_every_form(fact_checker_client, week):
    assert fact_checker_client.get(f"/reports/weekly/{week}/").status_code == 404
    for fmt in FORMATS:
        assert fact_checker_client.get(f"/reports/weekly/{week}.{fmt}").status_code == 404, fmt


@pytest.mark.parametrize("week", OUT_OF_RANGE_WEEKS)
def test_the_week_picker_explains_a_week_outside_the_range(fact_checker_client, week):
    response = fact_checker_client.get(reverse("claims:report_current"), {"week": week}, follow=True)
    assert response.status_code == 200
    assert "The desk keeps reports for the years between 1900 and 9998" in response.content.decode()


@pytest.mark.parametrize("week", ["1900-W01", "9998-W53"])
def test_the_first_and_last_weeks_of_the_range_have_reports_in_every_form(fact_checker_client, week):
    ClaimFactory()
    assert fact_checker_client.get(f"/reports/weekly/{week}/").status_code == 200
    for fmt in FORMATS:
        response = fact_checker_client.get(f"/reports/weekly/{week}.{fmt}")
        assert response.status_code == 200, fmt
        if response.streaming:
            b"".join(response.streaming_content)


def test_a_week_is_written_with_four_digit_years_and_ascii_digits_only():
    assert str(IsoWeek(1900, 1)) == "1900-W01"
    assert str(IsoWeek.parse("9998-W53").following) == "9999-W01"
    assert str(IsoWeek.parse("1900-W01").previous) == "1899-W52"
    for text in ["２０２４-W20", "٢٠٢٤-W20", "2024-W٢٠"]:
        with pytest.raises(ValueError):
            IsoWeek.parse(text)


def test_a_week_out_of_range_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="between 1900 and 9998"):
        IsoWeek.parse("0999-W10")


# --- Hosts named www.www.… ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.www.example.org/a", "example.org"),
        ("https://WWW.www.www.example.org/", "example.org"),
        ("https://www.example.org/", "example.org"),
        ("https://www2.example.org/", "www2.example.org"),
        ("https://www.org/", "org"),
        ("https://www.www/", "www"),
        ("https://www/", "www"),
    ],
)
def test_an_outlet_domain_never_starts_with_www(url, domain):
    assert domain_of(url) == domain


def test_evidence_on_a_www_www_host_is_added_to_its_outlet(fact_checker_client):
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": "https://www.www.example.org/a", "kind": "article", "stance": "corroborates"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.source.url == "https://www.www.example.org/a"
    assert evidence.source.outlet == Outlet.objects.get(domain="example.org")


# --- Cache-Control --------------------------------------------------------------------------------------


def test_every_signed_in_answer_is_private_and_not_stored(fact_checker_client):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    for url in [
        reverse("claims:dashboard"),
        reverse("claims:list"),
        claim.get_absolute_url(),
        reverse("claims:export"),
        "/reports/weekly/2024-W20.csv",
        "/reports/weekly/2024-W20.json",
        "/reports/weekly/2024-W20/",
        "/reports/weekly/1899-W52/",  # a refusal shows who asked, too
    ]:
        response = fact_checker_client.get(url)
        directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (url, response.get("Cache-Control"))


def test_answers_to_anonymous_visitors_are_left_as_they_were():
    visitor = Client()
    redirect = visitor.get(reverse("claims:list"))
    assert redirect.status_code == 302 and "Cache-Control" not in redirect
    assert visitor.get(reverse("login")).status_code == 200
