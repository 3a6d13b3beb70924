"""Webhooks (docs/architecture.md, "Webhooks"): editors register endpoints; the desk's events become
signed deliveries, sent by the worker's task with retries, through the safe fetcher's address checks,
and every attempt shows in the endpoint's delivery log."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
from standardwebhooks.webhooks import Webhook

from captures import linkwatch
from claims import workflow
from claims.models import Stance, Status
from claims.roles import DeskRefusal
from claims.workflow import ClaimantChoice
from tests.capture_server import Page
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory, SourceFactory
from tests.queries import assert_query_count_stays_flat
from webhooks.models import Attempt, Delivery, DeliveryState, Endpoint, EventType
from webhooks.tasks import deliver, resume_deliveries

pytestmark = pytest.mark.django_db


# --- A receiver on this machine ------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A newsroom's webhook receiver: records every POST and answers with the next of `answers`
    (the last one repeats)."""

    answers: list[int] = field(default_factory=lambda: [204])
    received: list[Received] = field(default_factory=list)

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = True  # the receiver runs on 127.0.0.1
    settings.WEBHOOK_BACKOFF_SECONDS = 0
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    running = Receiver()
    running.start()
    yield running
    running.stop()


def endpoint_for(receiver: Receiver, *events: str, path: str = "/hooks", **fields) -> Endpoint:
    return Endpoint.objects.create(url=receiver.url(path), events=list(events), **fields)


def run_jobs() -> int:
    """Run every queued delivery job here, as the worker would (retries are deferred with no wait in
    tests), until none is left; how many ran."""
    ran = 0
    while job := ProcrastinateJob.objects.filter(task_name="webhooks.tasks.deliver", status="todo").first():
        ProcrastinateJob.objects.filter(pk=job.pk).update(status="succeeded")
        deliver(**job.args)
        ran += 1
    return ran


def log_claim(user, text: str = "Ten ATACMS missiles were shot down over Crimea."):
    return workflow.claim_log(
        user=user,
        values={"text": text, "claimed_on": "2024-05-15"},
        claimant=ClaimantChoice(name="Russian Ministry of Defence"),
        tags=[],
    )


def approved_verdict(claim, *, fact_checker, editor, status=Status.CORROBORATED, stance=Stance.CORROBORATES):
    EvidenceFactory(claim=claim, stance=stance)
    review = workflow.review_propose(claim=claim, status=status, rationale="Agency report.", user=fact_checker)
    return workflow.review_approve(review=review, user=editor)


# --- Events become signed deliveries -------------------------------------------------------------


def test_a_logged_claim_reaches_its_endpoint_signed_per_standard_webhooks(receiver, fact_checker, settings):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    claim = log_claim(fact_checker)

    assert run_jobs() == 1
    (request,) = receiver.received
    assert Webhook(endpoint.secret).verify(request.body, request.headers) == request.payload
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.payload["type"] == "claim.logged"
    assert request.payload["timestamp"].endswith("Z")
    assert request.payload["data"]["claim"] == {
        "id": claim.pk,
        "url": settings.SITE_URL + claim.get_absolute_url(),
        "text": "Ten ATACMS missiles were shot down over Crimea.",
        "claimant": "Russian Ministry of Defence",
        "status": "unverified",
        "claimed_on": "2024-05-15",
    }
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.DELIVERED, 1, 204)
    assert delivery.message_id == request.headers["webhook-id"]


def test_a_signature_made_with_another_secret_does_not_verify(receiver, fact_checker):
    endpoint_for(receiver, EventType.CLAIM_LOGGED)
    log_claim(fact_checker)
    run_jobs()
    (request,) = receiver.received
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(Endpoint(secret="whsec_" + "A" * 32).secret).verify(request.body, request.headers)


def test_an_event_reaches_only_the_endpoints_subscribed_to_it(receiver, fact_checker, editor):
    endpoint_for(receiver, EventType.CLAIM_LOGGED, path="/logged")
    endpoint_for(receiver, EventType.VERDICT_APPROVED, path="/verdicts")
    endpoint_for(receiver, EventType.CLAIM_LOGGED, path="/disabled", enabled=False)

    log_claim(fact_checker)
    approved_verdict(ClaimFactory(), fact_checker=fact_checker, editor=editor)
    run_jobs()

    assert sorted((request.path, request.payload["type"]) for request in receiver.received) == [
        ("/logged", "claim.logged"),
        ("/verdicts", "verdict.approved"),
    ]
    verdict = next(request.payload for request in receiver.received if request.path == "/verdicts")
    assert verdict["data"]["claim"]["status"] == "corroborated"
    assert verdict["data"]["review"] | {"id": None, "decided_at": None} == {
        "id": None,
        "from_status": "unverified",
        "to_status": "corroborated",
        "rationale": "Agency report.",
        "decided_by": "Daniel Weber",
        "decided_at": None,
    }


def test_a_returned_proposal_sends_nothing(receiver, fact_checker, editor):
    endpoint_for(receiver, *EventType.values)
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    review = workflow.review_propose(claim=claim, status=Status.CORROBORATED, rationale="AP.", user=fact_checker)
    workflow.review_return(review=review, user=editor, note="Which agency?")
    assert not Delivery.objects.exists()


def test_a_verdict_that_replaces_an_earlier_one_is_also_a_correction(receiver, fact_checker, editor):
    endpoint_for(receiver, EventType.VERDICT_APPROVED, EventType.VERDICT_CORRECTED)
    claim = ClaimFactory()
    first = approved_verdict(claim, fact_checker=fact_checker, editor=editor)
    approved_verdict(claim, fact_checker=fact_checker, editor=editor, status=Status.MISLEADING, stance=Stance.CONTEXT)
    run_jobs()

    types = [request.payload["type"] for request in receiver.received]
    assert sorted(types) == ["verdict.approved", "verdict.approved", "verdict.corrected"]
    corrected = next(
        request.payload["data"] for request in receiver.received if request.payload["type"] == "verdict.corrected"
    )
    assert corrected["replaces"]["review_id"] == first.pk
    assert corrected["replaces"]["status"] == "corroborated"
    assert corrected["review"]["to_status"] == "misleading"


def test_correcting_a_decided_claim_sends_the_reason_and_the_changes(receiver, editor, decided_claim):
    endpoint_for(receiver, EventType.VERDICT_CORRECTED)
    claim = decided_claim("Russian forces recaptured Robotyne.", logged=timezone.now(), decided=timezone.now())
    workflow.claim_update(
        claim=claim,
        user=editor,
        version=claim.version,
        values={"text": "Russian forces entered Robotyne."},
        claimant=ClaimantChoice(name=claim.claimant.name),
        tags=[],
        reason="The ministry said entered.",
    )
    run_jobs()

    (request,) = receiver.received
    correction = request.payload["data"]["correction"]
    assert request.payload["type"] == "verdict.corrected"
    assert correction["reason"] == "The ministry said entered."
    assert correction["changes"][0]["after"] == "Russian forces entered Robotyne."
    assert correction["made_by"] == "Daniel Weber"
    assert request.payload["data"]["claim"]["text"] == "Russian forces entered Robotyne."  # as corrected


def test_a_source_gone_sends_one_event_per_claim_with_a_verdict_citing_it(receiver, site, fact_checker, editor):
    endpoint_for(receiver, EventType.EVIDENCE_AT_RISK)
    source = SourceFactory(url=site.url("/briefing.html"), outlet=None)
    decided = [ClaimFactory(), ClaimFactory()]
    for claim in decided:
        EvidenceFactory(claim=claim, source=source)
        approved_verdict(claim, fact_checker=fact_checker, editor=editor)
    EvidenceFactory(claim=ClaimFactory(), source=source)  # no verdict: nothing at risk
    site.pages["/briefing.html"] = Page(b"gone", status=410)
    linkwatch.check(source.pk)
    run_jobs()

    payloads = sorted((request.payload["data"] for request in receiver.received), key=lambda data: data["claim"]["id"])
    assert [data["claim"]["id"] for data in payloads] == [claim.pk for claim in decided]
    assert {(data["source"]["url"], data["source"]["what_happened"]) for data in payloads} == {(source.url, "gone")}


def test_a_refused_workflow_write_creates_no_delivery(receiver, fact_checker, second_fact_checker):
    endpoint_for(receiver, *EventType.values)
    review = ReviewFactory(proposed_by=fact_checker)
    with pytest.raises(DeskRefusal):
        workflow.review_approve(review=review, user=second_fact_checker)
    assert not Delivery.objects.exists()
    assert not ProcrastinateJob.objects.filter(task_name="webhooks.tasks.deliver").exists()


def test_a_delivery_keeps_the_body_of_the_moment_it_happened(receiver, fact_checker):
    endpoint_for(receiver, EventType.CLAIM_LOGGED)
    claim = log_claim(fact_checker)
    claim.text = "Something else entirely."
    claim.save(update_fields=["text"])
    run_jobs()
    assert receiver.received[0].payload["data"]["claim"]["text"] == "Ten ATACMS missiles were shot down over Crimea."


# --- Retries, giving up, refused addresses -------------------------------------------------------


def test_a_delivery_answered_500_is_retried_and_then_delivered(receiver, fact_checker, settings):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    receiver.answers = [500, 200]
    log_claim(fact_checker)

    delivery = Delivery.objects.get()
    deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.PENDING, 1, 500)
    assert "answered 500" in delivery.last_error
    assert delivery.next_attempt_at is not None

    run_jobs()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        DeliveryState.DELIVERED,
        2,
        200,
        "",
    )
    assert list(Attempt.objects.values_list("number", "status_code")) == [(1, 500), (2, 200)]
    # Each attempt is signed anew (its own timestamp) and verifies; the message id stays the same.
    assert len({request.headers["webhook-id"] for request in receiver.received}) == 1
    for request in receiver.received:
        Webhook(endpoint.secret).verify(request.body, request.headers)


def test_the_next_attempt_waits_twice_as_long_as_the_one_before(receiver, fact_checker, settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 10
    endpoint_for(receiver, EventType.CLAIM_LOGGED)
    receiver.answers = [503]
    log_claim(fact_checker)
    delivery = Delivery.objects.get()
    waits = []
    for _ in range(2):
        before = timezone.now()
        ProcrastinateJob.objects.filter(task_name="webhooks.tasks.deliver").update(status="succeeded")
        deliver(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - before).total_seconds()))
        job = ProcrastinateJob.objects.get(task_name="webhooks.tasks.deliver", status="todo")
        assert job.queue_name == "webhooks" and job.scheduled_at == delivery.next_attempt_at
    assert waits == [10, 20]


def test_a_delivery_gives_up_after_the_last_attempt_and_the_page_says_so(receiver, fact_checker, editor_client):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    receiver.answers = [500]
    log_claim(fact_checker)

    assert run_jobs() == 3
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (DeliveryState.FAILED, 3, None)
    assert delivery.last_error.endswith("Gave up after 3 attempts.")
    assert len(receiver.received) == 3

    page = editor_client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert "Failed" in page and "Gave up after 3 attempts." in page


def test_an_unreachable_endpoint_is_retried_with_a_sentence(receiver, fact_checker):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    endpoint.url = "http://127.0.0.1:9/hooks"  # the discard port: nothing listens
    endpoint.save()
    log_claim(fact_checker)
    run_jobs()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.last_error.startswith("127.0.0.1 could not be reached")
    assert delivery.attempts == 3


def test_a_refused_address_fails_at_once_with_a_sentence_and_no_request(receiver, fact_checker, settings):
    endpoint_for(receiver, EventType.CLAIM_LOGGED)
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    log_claim(fact_checker)

    assert run_jobs() == 1  # not retried: it would be refused again
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert "127.0.0.1 is a loopback address (this machine)" in delivery.last_error
    assert receiver.received == []


def test_a_redirect_is_not_followed(receiver, fact_checker):
    endpoint_for(receiver, EventType.CLAIM_LOGGED)
    receiver.answers = [302]
    log_claim(fact_checker)
    run_jobs()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert "a redirect; webhooks do not follow redirects" in delivery.last_error
    assert {request.path for request in receiver.received} == {"/hooks"}


def test_a_deleted_endpoint_leaves_its_queued_job_nothing_to_send(receiver, fact_checker):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    log_claim(fact_checker)
    endpoint.delete()
    run_jobs()
    assert receiver.received == []


# --- The pages -----------------------------------------------------------------------------------


def test_an_editor_adds_an_endpoint_and_its_page_shows_the_secret(receiver, editor, editor_client):
    response = editor_client.post(
        reverse("webhooks:list"),
        {"url": receiver.url(), "description": "Our CMS", "events": ["claim.logged", "verdict.approved"]},
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    assert endpoint.events == ["claim.logged", "verdict.approved"]
    assert endpoint.created_by == editor
    assert endpoint.secret.startswith("whsec_") and len(Webhook(endpoint.secret)._whsecret) == 24

    page = editor_client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert "Send test event" in page
    listing = editor_client.get(reverse("webhooks:list")).content.decode()
    assert "Our CMS" in listing and "Add an endpoint" in listing
    assert 'href="/webhooks/"' in listing  # the navigation's link, for editors


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"url": "ftp://hooks.example.org/x", "events": ["claim.logged"]}, "url", "Only http and https"),
        ({"url": "https://hooks.example.org/x"}, "events", "Choose at least one event"),
        ({"url": "https://hooks.example.org/" + "a" * 1980, "events": ["claim.logged"]}, "url", "at most 500"),
        ({"url": "not a web address", "events": ["claim.logged"]}, "url", "Enter a web address"),
        ({"url": "https://hooks.example.org/x", "events": ["claim.deleted"]}, "events", "Select a valid choice"),
        ({"url": "http://127.0.0.1:8080/hooks", "events": ["claim.logged"]}, "url", "a loopback address"),
        ({"url": "http://10.0.0.5/hooks", "events": ["claim.logged"]}, "url", "a private network address"),
        ({"url": "https://hooks.example.org:99999/x", "events": ["claim.logged"]}, "url", "port"),
        # 6to4 and Teredo carry an IPv4 address inside IPv6: this one is the cloud metadata service.
        ({"url": "http://[2002:a9fe:a9fe::]/x", "events": ["claim.logged"]}, "url", "a link-local address"),
    ],
)
def test_bad_endpoint_input_is_refused_beside_its_field_and_nothing_is_written(
    editor_client, fields, field, message, settings
):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    response = editor_client.post(reverse("webhooks:list"), {"description": "x", **fields})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    page = response.content.decode()
    error_id = "id_url-error" if field == "url" else "events-error"
    assert f'id="{error_id}"' in page
    assert not Endpoint.objects.exists()


def test_a_refused_change_to_an_endpoint_writes_nothing(receiver, editor_client):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    response = editor_client.post(
        reverse("webhooks:detail", args=[endpoint.pk]), {"url": "ftp://x.example.org/", "events": []}
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"url", "events"}
    endpoint.refresh_from_db()
    assert endpoint.url == receiver.url() and endpoint.events == ["claim.logged"]


def test_an_editor_changes_disables_enables_and_deletes_an_endpoint(receiver, editor_client, fact_checker):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    detail = reverse("webhooks:detail", args=[endpoint.pk])
    editor_client.post(detail, {"url": receiver.url("/v2"), "description": "CMS v2", "events": ["verdict.approved"]})
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description, endpoint.events) == (
        receiver.url("/v2"),
        "CMS v2",
        ["verdict.approved"],
    )

    editor_client.post(reverse("webhooks:enabled", args=[endpoint.pk]), {"enabled": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert "Disabled: nothing is sent." in editor_client.get(detail).content.decode()
    editor_client.post(reverse("webhooks:enabled", args=[endpoint.pk]), {"enabled": "1"})
    endpoint.refresh_from_db()
    assert endpoint.enabled

    response = editor_client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("webhooks:list")
    assert not Endpoint.objects.exists()


def test_send_test_event_delivers_a_signed_webhook_test(receiver, editor_client):
    endpoint = endpoint_for(receiver, EventType.EVIDENCE_AT_RISK)
    response = editor_client.post(reverse("webhooks:test", args=[endpoint.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="delivery-log"')
    assert "webhook.test" in fragment and "Sending" in fragment and 'hx-trigger="every 3s"' in fragment

    run_jobs()
    (request,) = receiver.received
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "webhook.test"
    assert payload["data"]["endpoint"] == {"id": endpoint.pk, "url": endpoint.url}
    log = editor_client.get(reverse("webhooks:detail", args=[endpoint.pk]), headers={"HX-Request": "true"})
    assert "Delivered" in log.content.decode() and "every 3s" not in log.content.decode()


def test_send_test_event_without_javascript_redirects_to_the_endpoint(receiver, editor_client):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    response = editor_client.post(reverse("webhooks:test", args=[endpoint.pk]))
    assert response.status_code == 302 and response["Location"] == endpoint.get_absolute_url()
    assert Delivery.objects.get().event_type == "webhook.test"


def test_user_text_is_escaped_on_the_pages(receiver, editor_client):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED, description="<script>alert(1)</script>")
    for url in (reverse("webhooks:list"), reverse("webhooks:detail", args=[endpoint.pk])):
        page = editor_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def endpoint_urls(endpoint: Endpoint) -> list[tuple[str, str]]:
    return [
        ("get", reverse("webhooks:list")),
        ("post", reverse("webhooks:list")),
        ("get", reverse("webhooks:detail", args=[endpoint.pk])),
        ("post", reverse("webhooks:detail", args=[endpoint.pk])),
        ("post", reverse("webhooks:enabled", args=[endpoint.pk])),
        ("post", reverse("webhooks:delete", args=[endpoint.pk])),
        ("post", reverse("webhooks:test", args=[endpoint.pk])),
    ]


def test_fact_checkers_are_refused_the_webhooks_pages(receiver, fact_checker_client):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    for method, url in endpoint_urls(endpoint):
        response = getattr(fact_checker_client, method)(
            url, {"url": "https://x.example.org/", "events": ["claim.logged"], "enabled": "0"}
        )
        assert response.status_code == 403, (method, url)
    assert Endpoint.objects.get().enabled and not Delivery.objects.exists()
    assert Endpoint.objects.count() == 1
    assert 'href="/webhooks/"' not in fact_checker_client.get(reverse("claims:dashboard")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(receiver, client):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    for method, url in endpoint_urls(endpoint):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), (method, url)
    assert Endpoint.objects.count() == 1 and not Delivery.objects.exists()


def test_the_pages_cost_the_same_queries_with_many_rows(receiver, editor_client, fact_checker):
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    receiver.answers = [500]
    log_claim(fact_checker, text="The first claim was made.")
    run_jobs()

    def more_endpoints_and_deliveries():
        for number in range(5):
            endpoint_for(receiver, EventType.CLAIM_LOGGED, path=f"/more{number}")
        for number in range(4):
            log_claim(fact_checker, text=f"Claim number {number} was made.")
        run_jobs()  # three attempts each

    assert_query_count_stays_flat(editor_client, reverse("webhooks:list"), more_endpoints_and_deliveries)
    assert_query_count_stays_flat(
        editor_client, reverse("webhooks:detail", args=[endpoint.pk]), lambda: (log_claim(fact_checker), run_jobs())
    )
    assert Attempt.objects.filter(delivery__endpoint=endpoint).count() == 18


def test_an_endpoint_that_answers_a_byte_at_a_time_is_cut_off_at_the_timeout(receiver, fact_checker, settings):
    # Each byte of the answer's headers comes within the read timeout, so only a deadline on the whole
    # attempt stops it: without one a worker would wait for as long as the server likes.
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                if stop.wait(0.2):
                    return
                connection.sendall(bytes([byte]))

    threading.Thread(target=trickle, daemon=True).start()
    endpoint = endpoint_for(receiver, EventType.CLAIM_LOGGED)
    endpoint.url = f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    endpoint.save()
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    log_claim(fact_checker)
    started = time.monotonic()
    run_jobs()
    took = time.monotonic() - started
    stop.set()
    listener.close()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and "did not answer in time (1 s)" in delivery.last_error
    assert took < 5  # the attempt's deadline, not the 20 s the headers would take


def test_a_delivery_left_pending_without_a_job_is_queued_again(receiver, fact_checker):
    endpoint_for(receiver, EventType.CLAIM_LOGGED)
    log_claim(fact_checker)
    delivery = Delivery.objects.get()
    assert resume_deliveries(timestamp=0) == 0  # its job is queued, and it is not late
    ProcrastinateJob.objects.filter(task_name="webhooks.tasks.deliver").delete()  # the job lost
    Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    assert resume_deliveries(timestamp=0) == 1
    assert resume_deliveries(timestamp=0) == 0  # queued once
    run_jobs()
    assert Delivery.objects.get().state == DeliveryState.DELIVERED and len(receiver.received) == 1
