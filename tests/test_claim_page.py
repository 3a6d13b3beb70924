from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim, Decision, Evidence, EvidenceEvent, Outlet, Review, Source, Stance, Status
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, ReviewFactory, SourceFactory

pytestmark = pytest.mark.django_db


def evidence_data(**overrides):
    return {
        "url": "https://www.Reuters.com:443/world/robotyne?utm_source=x#top",
        "title": "Robotyne report",
        "kind": "article",
        "stance": "corroborates",
        **overrides,
    }


@pytest.fixture
def claim():
    return ClaimFactory(text="Russian troops took Robotyne")


def test_adding_evidence_reuses_the_known_source_and_outlet(fact_checker_client, fact_checker, claim):
    reuters = OutletFactory(domain="reuters.com", name="Reuters")
    source = SourceFactory(url="https://www.reuters.com/world/robotyne", outlet=reuters)
    response = fact_checker_client.post(reverse("claims:evidence_add", args=[claim.pk]), evidence_data())
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.source, evidence.added_by, evidence.stance) == (source, fact_checker, Stance.CORROBORATES)
    assert Source.objects.count() == 1


def test_adding_evidence_from_a_new_domain_creates_its_outlet_with_unknown_affiliation(fact_checker_client, claim):
    fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]), evidence_data(url="https://kyivindependent.com/a")
    )
    outlet = Outlet.objects.get(domain="kyivindependent.com")
    assert outlet.affiliation is None
    assert Evidence.objects.get().source.url == "https://kyivindependent.com/a"


def test_htmx_add_answers_with_the_section_and_updates_the_summary_out_of_band(fact_checker_client, claim):
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]), evidence_data(), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="evidence"')
    assert '<span id="claim-summary" hx-swap-oob="true">' in page
    assert "1 corroborating" in page
    assert 'id="history"' in page and 'id="gates"' in page
    assert 'id="proposal"' not in page  # a rationale being typed there survives


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"url": "javascript:alert(1)"}, "Only http:// and https:// addresses are accepted."),
        ({"url": "data:text/html,x"}, "Only http:// and https:// addresses are accepted."),
        ({"url": "https:///nohost"}, "The address has no host name."),
        ({"url": ""}, "This field is required."),
        ({"stance": "supports"}, "Select a valid choice."),
        ({"stance": ""}, "This field is required."),
    ],
)
def test_bad_evidence_is_explained_and_nothing_is_written(fact_checker_client, claim, overrides, message):
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]), evidence_data(**overrides), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Evidence.objects.exists() and not Source.objects.exists() and not Outlet.objects.exists()


def test_the_same_source_twice_is_refused(fact_checker_client, claim):
    fact_checker_client.post(reverse("claims:evidence_add", args=[claim.pk]), evidence_data())
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        evidence_data(url="https://www.reuters.com/world/robotyne?utm_medium=feed", stance="contradicts"),
    )
    assert response.status_code == 422
    assert "already linked to the claim (corroborates)" in response.content.decode()
    assert Evidence.objects.count() == 1


def test_removing_evidence_keeps_it_in_the_audit_history(fact_checker_client, fact_checker, claim):
    evidence = EvidenceFactory(claim=claim, source__title="Relay of the ministry")
    response = fact_checker_client.post(reverse("claims:evidence_remove", args=[claim.pk, evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    removed = EvidenceEvent.objects.get(pgh_label="delete")
    assert removed.pgh_context.metadata["user"] == fact_checker.pk
    page = fact_checker_client.get(claim.get_absolute_url()).content.decode()
    assert "Removed: Relay of the ministry" in page


def test_evidence_of_another_claim_cannot_be_removed_through_this_one(fact_checker_client, claim):
    other = EvidenceFactory()
    response = fact_checker_client.post(reverse("claims:evidence_remove", args=[claim.pk, other.pk]))
    assert response.status_code == 404
    assert Evidence.objects.filter(pk=other.pk).exists()


def test_outsiders_cannot_add_or_remove_evidence(client, outsider, claim):
    evidence = EvidenceFactory(claim=claim)
    client.force_login(outsider)
    assert client.post(reverse("claims:evidence_add", args=[claim.pk]), evidence_data()).status_code == 403
    assert client.post(reverse("claims:evidence_remove", args=[claim.pk, evidence.pk])).status_code == 403
    assert Evidence.objects.count() == 1


def test_proposing_a_status_opens_a_pending_review(fact_checker_client, fact_checker, claim):
    response = fact_checker_client.post(
        reverse("claims:propose", args=[claim.pk]), {"status": "unverifiable", "rationale": "No access."}
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.previous_status, review.proposed_status, review.proposed_by) == (
        Status.UNVERIFIED,
        Status.UNVERIFIABLE,
        fact_checker,
    )
    assert review.decision == Decision.PENDING
    claim.refresh_from_db()
    assert claim.status == Status.UNVERIFIED  # an editor has not approved it yet


def test_a_second_proposal_while_one_is_pending_is_refused_clearly(fact_checker_client, editor, claim):
    ReviewFactory(claim=claim, proposed_by=editor)
    response = fact_checker_client.post(
        reverse("claims:propose", args=[claim.pk]), {"status": "false", "rationale": "Contradicted."}
    )
    assert response.status_code == 409  # the claim's state says no: an editor decides the first one
    assert "already proposed" in response.content.decode()
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "false", "rationale": "   "}, "This field is required."),
        ({"status": "maybe", "rationale": "x"}, "Select a valid choice."),
        ({"status": "unverified", "rationale": "x"}, "The claim is already unverified."),
    ],
)
def test_bad_proposals_are_explained(fact_checker_client, claim, data, message):
    response = fact_checker_client.post(reverse("claims:propose", args=[claim.pk]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Review.objects.exists()


def test_the_claim_page_shows_which_gates_each_status_meets(fact_checker_client, claim):
    EvidenceFactory(claim=claim)
    page = fact_checker_client.get(claim.get_absolute_url()).content.decode()
    assert "Confirmed needs 2 independent corroborations" in page
    assert "✓ evidence gate met" in page  # corroborated: one independent source


def test_the_timeline_shows_edits_evidence_and_reviews_newest_first(fact_checker_client, claim):
    EvidenceFactory(claim=claim, source__title="Agency report")
    Claim.objects.filter(pk=claim.pk).update(text="Russian troops fully took Robotyne", version=2)
    ReviewFactory(claim=claim)
    timeline = fact_checker_client.get(claim.get_absolute_url()).context["timeline"]
    kinds = [entry.kind for entry in timeline]
    assert set(kinds) == {"review", "edited", "evidence-added", "logged"}
    assert [entry.when for entry in timeline] == sorted((entry.when for entry in timeline), reverse=True)


@pytest.mark.parametrize("url", ["https://[example.org/a", "https://evil.example／reuters.com/a", "https://a＠b.org/"])
def test_addresses_the_url_parser_rejects_are_a_form_error_not_a_500(fact_checker_client, url):
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]), {"url": url, "kind": "article", "stance": "context"}
    )
    assert response.status_code == 422 and "This is not a web address" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("host", ["taß.ru", "TAẞ.ru", "taς.ru", "ta\u200dss.ru"])
def test_a_host_python_and_browsers_read_differently_is_refused(fact_checker_client, host):
    """Python's IDNA 2003 reads taß.ru as tass.ru; a browser visits xn--ta-jia.ru, someone else's site."""
    OutletFactory(domain="tass.ru", name="TASS")
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": f"https://{host}/politics/1", "kind": "article", "stance": "corroborates"},
    )
    assert response.status_code == 422 and "which browsers read as another site" in response.content.decode()
    assert not Source.objects.filter(outlet__domain="tass.ru").exists()


def test_the_same_host_in_its_ascii_form_is_another_outlet(fact_checker_client):
    tass = OutletFactory(domain="tass.ru", name="TASS")
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": "https://xn--ta-jia.ru/politics/1", "kind": "article", "stance": "corroborates"},
    )
    assert response.status_code == 302
    source = Source.objects.get(url="https://xn--ta-jia.ru/politics/1")
    assert source.outlet != tass and source.outlet.domain == "xn--ta-jia.ru" and source.outlet.affiliation is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://" + ".".join(["a" * 60] * 5) + "/x", "too long to be real"),
        ("https://example.org/" + "я" * 400, "The address is too long"),
        ("https://" + "a" * 64 + ".com/", "invalid host name"),
    ],
)
def test_over_long_addresses_are_refused_beside_the_field(fact_checker_client, url, message):
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]), {"url": url, "kind": "article", "stance": "corroborates"}
    )
    assert response.status_code == 422 and message in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_failed_evidence_add_leaves_the_proposal_form_alone(fact_checker_client):
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": "javascript:x", "stance": "corroborates"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'id="gates"' not in response.content.decode() and "hx-swap-oob" not in response.content.decode()


def test_a_pending_proposal_reads_in_plain_words(fact_checker_client, fact_checker):
    from claims.models import Status
    from tests.factories import ReviewFactory

    claim = ReviewFactory(proposed_status=Status.CONFIRMED, proposed_by=fact_checker).claim
    page = fact_checker_client.get(claim.get_absolute_url()).content.decode()
    assert "In review: proposed Confirmed" in page  # the status as the scale writes it
    assert (
        '<span class="status status-confirmed">Confirmed</span>; it waits for an editor.' in page
    )  # no space before ;
