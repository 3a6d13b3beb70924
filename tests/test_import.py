from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.imports import import_document
from claims.models import Claim, Claimant, Evidence, Source, Stance, Status

pytestmark = pytest.mark.django_db


def review(
    text="Russia shot down ten ATACMS over Crimea", rating=1, url="https://factcheck.example.org/atacms", **extra
):
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": text,
        "datePublished": "2024-05-16",
        "author": {"@type": "Organization", "name": "Example Check"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "Russian Ministry of Defence"},
            "datePublished": "2024-05-15",
            "firstAppearance": {"@type": "CreativeWork", "url": "https://mil.ru/news/atacms#x"},
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "False",
        },
        **extra,
    }


def counts():
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("claims").get_models()}


def test_single_object_list_and_graph_are_all_read():
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "a page"},
            review(),
            review(text="Zelensky left Ukraine", url="https://factcheck.example.org/trips", rating=5),
        ],
    }
    for data in [
        review(text="One alone", url="https://factcheck.example.org/one"),
        [review(text="In a list", url="https://factcheck.example.org/list")],
        document,
    ]:
        report = import_document(json.dumps(data), name="f.jsonld")
        assert not report.rejected, report.rejected
    assert Claim.objects.count() == 4


def test_an_import_creates_claim_claimant_source_and_evidence_without_changing_statuses():
    report = import_document(json.dumps(review()), name="atacms.jsonld")
    assert [line.split(": ")[1].split(" #")[0] for line in report.created] == ["created claim"]
    claim = Claim.objects.get()
    assert (claim.claimant.name, claim.claimed_on.isoformat(), claim.origin_url) == (
        "Russian Ministry of Defence",
        "2024-05-15",
        "https://mil.ru/news/atacms",
    )
    assert claim.status == Status.UNVERIFIED
    evidence = Evidence.objects.get()
    assert (evidence.stance, evidence.source.url, evidence.source.outlet.domain) == (
        Stance.CONTRADICTS,
        "https://factcheck.example.org/atacms",
        "factcheck.example.org",
    )
    assert evidence.excerpt == "Rated “False” by Example Check"


def test_reimporting_the_same_file_changes_nothing():
    text = json.dumps([review(), review(text="Another", url="https://factcheck.example.org/b", rating=4)])
    import_document(text, name="f")
    before = counts()
    again = import_document(text, name="f")
    assert counts() == before
    assert len(again.skipped) == 2 and not again.created


def test_an_existing_claimant_and_claim_are_reused_case_insensitively():
    Claimant.objects.create(name="russian ministry of defence")
    import_document(json.dumps(review()), name="a")
    import_document(json.dumps(review(url="https://other-check.example.com/same-claim", rating=5)), name="b")
    assert Claimant.objects.count() == 1 and Claim.objects.count() == 1
    assert sorted(Evidence.objects.values_list("stance", flat=True)) == [Stance.CONTRADICTS, Stance.CORROBORATES]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (review(claimReviewed=""), "claimReviewed is missing"),
        (review(claimReviewed="x" * 1001), "longer than 1000"),
        (review(url="javascript:alert(1)"), "url is not a web address"),
        (review(url=None), "url (the fact-checker's article) is missing"),
        (review(itemReviewed={"@type": "Claim"}), "itemReviewed.author.name"),
        (
            review(itemReviewed={"author": {"name": "X"}, "appearance": {"url": "data:text/html,x"}}),
            "appearance is not a web address",
        ),
    ],
)
def test_malformed_items_are_rejected_with_a_reason_and_write_nothing(item, reason):
    good = review(text="A good one", url="https://factcheck.example.org/good")
    report = import_document(json.dumps([item, good]), name="mixed.jsonld")
    assert len(report.rejected) == 1 and reason in report.rejected[0][1], report.rejected
    assert report.rejected[0][0] == "mixed.jsonld #1"
    assert list(Claim.objects.values_list("text", flat=True)) == ["A good one"]
    assert Source.objects.count() == 1


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"@type": "Article"}'])
def test_documents_without_reviews_are_rejected(text):
    report = import_document(text, name="bad.json")
    assert report.rejected and not Claim.objects.exists()


def test_the_command_imports_files_and_reports(tmp_path, capsys):
    path = tmp_path / "reviews.jsonld"
    path.write_text(json.dumps([review(), review(claimReviewed="")]), encoding="utf-8")
    with pytest.raises(CommandError, match="2 item"):  # a non-zero exit for cron
        call_command("import_claimreview", str(path), str(tmp_path / "missing.jsonld"))
    out = capsys.readouterr().out
    assert "1 created, 0 skipped, 2 rejected." in out and "no such file" in out
    with pytest.raises(CommandError):
        call_command("import_claimreview", str(path))
    assert "0 created, 1 skipped, 1 rejected." in capsys.readouterr().out


def test_editors_upload_a_file_and_see_the_report(editor_client, editor):
    upload = SimpleUploadedFile("r.jsonld", json.dumps(review()).encode(), content_type="application/ld+json")
    response = editor_client.post(reverse("claims:import"), {"file": upload})
    assert response.status_code == 200
    assert "1 created, 0 skipped, 0 rejected" in response.content.decode()
    assert Claim.objects.get().created_by == editor


def test_the_upload_needs_a_file_and_an_editor(editor_client, fact_checker_client):
    assert editor_client.post(reverse("claims:import"), {}).status_code == 422
    upload = SimpleUploadedFile("r.jsonld", json.dumps(review()).encode())
    assert fact_checker_client.post(reverse("claims:import"), {"file": upload}).status_code == 403
    assert not Claim.objects.exists()


def test_a_reworded_claim_is_not_imported_again():
    import_document(json.dumps(review()), name="a")
    Claim.objects.update(text="The desk's own wording of the claim")
    report = import_document(json.dumps(review()), name="a")
    assert Claim.objects.count() == 1 and "already imported" in report.skipped[0]


def test_a_long_but_valid_host_becomes_an_outlet_with_a_shortened_name():
    from claims.models import Outlet

    long_host = ".".join(["a" * 50] * 4) + ".org"  # 207 characters: a valid host, longer than a name
    report = import_document(json.dumps(review(url=f"https://{long_host}/x")), name="f")
    assert not report.rejected
    assert Outlet.objects.get(domain=long_host).name == long_host[:200]


def test_a_file_with_a_byte_order_mark_is_read(editor_client):
    upload = SimpleUploadedFile("bom.jsonld", b"\xef\xbb\xbf" + json.dumps(review()).encode())
    response = editor_client.post(reverse("claims:import"), {"file": upload})
    assert "1 created, 0 skipped, 0 rejected" in response.content.decode()


def test_too_many_reviews_in_one_file_are_refused_past_the_limit(monkeypatch):
    from claims import imports

    monkeypatch.setattr(imports, "MAX_ITEMS", 2)
    items = [review(text=f"Claim {n}", url=f"https://factcheck.example.org/{n}") for n in range(3)]
    report = import_document(json.dumps(items), name="big")
    assert Claim.objects.count() == 2 and "split the file" in report.rejected[0][1]


def test_an_imported_review_with_an_unparseable_address_is_rejected_alone(editor_client):
    review = {
        "@type": "ClaimReview",
        "claimReviewed": "Ten missiles were shot down.",
        "url": "https://[factcheck.example/1",
        "itemReviewed": {"author": {"name": "A spokesman"}},
    }
    upload = SimpleUploadedFile("review.json", json.dumps(review).encode(), content_type="application/json")
    response = editor_client.post(reverse("claims:import"), {"file": upload})
    assert response.status_code == 200 and "0 created, 0 skipped, 1 rejected" in response.content.decode()
    assert not Source.objects.exists()
