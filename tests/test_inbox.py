"""Notifications (inbox/): who hears of each event on the desk, the inbox page and its counter, and the
e-mails (docs/architecture.md, "Notifications")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from captures.models import LinkWatch
from claims import signals, workflow
from claims.models import Review, Stance, Status
from claims.roles import DeskRefusal
from inbox import mail as inbox_mail
from inbox.models import EmailChoice, Kind, Notification, NotificationPreference
from inbox.tasks import email_notifications
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory, SourceFactory, make_fact_checker

pytestmark = pytest.mark.django_db

ROBOTYNE = "Russian forces recaptured Robotyne"


@pytest.fixture(autouse=True)
def _no_captures_on_link(settings):
    """Linking evidence here tells people; the capture job it would queue is another test's business."""
    settings.CAPTURE_ON_LINK = False


@pytest.fixture
def claim(fact_checker):
    """Olena logged it; it has one corroborating source, enough for "corroborated"."""
    claim = ClaimFactory(text=ROBOTYNE, created_by=fact_checker)
    EvidenceFactory(claim=claim, stance=Stance.CORROBORATES)
    return claim


def told(user) -> list[tuple[str, int]]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "claim_id"))


def link_evidence(claim, user, url="https://example.org/briefing") -> None:
    workflow.evidence_add(claim=claim, user=user, url=url, title="Briefing", kind="article", stance="corroborates")


# --- Who hears of what ---------------------------------------------------------------------------------


def test_an_assignment_tells_the_assignee_only(claim, fact_checker, second_fact_checker, editor):
    workflow.claims_assign(claim_ids=[claim.pk], assignee=second_fact_checker, user=editor)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.actor) == (
        second_fact_checker,
        Kind.ASSIGNED,
        editor,
    )
    assert notification.sentence == f"Daniel Weber assigned you “{ROBOTYNE}”"


def test_someone_who_left_the_desk_is_told_nothing(claim, fact_checker, editor):
    fact_checker.groups.clear()  # the role taken away; logged the claim, so would be told of its evidence
    link_evidence(claim, editor)
    assert told(fact_checker) == []
    fact_checker.groups.add(*editor.groups.all())
    fact_checker.is_active = False
    fact_checker.save()
    link_evidence(claim, editor, url="https://example.org/second")
    assert told(fact_checker) == []


def test_taking_a_claim_yourself_tells_nobody(claim, second_fact_checker):
    workflow.claims_assign(claim_ids=[claim.pk], assignee=second_fact_checker, user=second_fact_checker)
    assert not Notification.objects.exists()


def test_a_returned_proposal_tells_its_proposer_with_the_editors_note(claim, fact_checker, editor):
    review = workflow.review_propose(claim=claim, status=Status.CORROBORATED, rationale="Agency.", user=fact_checker)
    workflow.review_return(review=review, user=editor, note="Which agency?")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.review) == (
        fact_checker,
        Kind.PROPOSAL_RETURNED,
        review,
    )
    assert notification.sentence == f"Daniel Weber returned your proposal “Corroborated” on “{ROBOTYNE}”: Which agency?"


def test_an_approval_tells_the_proposer_once_and_the_others_who_work_on_the_claim(
    claim, fact_checker, second_fact_checker, editor, second_editor
):
    workflow.claims_assign(claim_ids=[claim.pk], assignee=fact_checker, user=editor)
    ReviewFactory(
        claim=claim,
        proposed_by=second_fact_checker,
        decision="withdrawn",
        decided_by=second_fact_checker,
        decided_at=timezone.now(),
    )
    Notification.objects.all().delete()

    review = workflow.review_propose(claim=claim, status=Status.CORROBORATED, rationale="Agency.", user=fact_checker)
    workflow.review_approve(review=review, user=editor)

    # Olena logged it, is its assignee and proposed it: one notification, the personal one.
    assert told(fact_checker) == [(Kind.PROPOSAL_APPROVED, claim.pk)]
    # Petro proposed a status on it once: he works on it too.
    assert told(second_fact_checker) == [(Kind.CLAIM_DECIDED, claim.pk)]
    assert Notification.objects.get(recipient=second_fact_checker).sentence == (
        f"Daniel Weber approved the proposal “Corroborated” on “{ROBOTYNE}”"
    )
    assert told(editor) == told(second_editor) == []  # the editor acted; Anna has nothing to do with it


def test_new_evidence_tells_those_who_work_on_the_claim_but_not_who_linked_it(
    claim, fact_checker, second_fact_checker, editor
):
    workflow.claims_assign(claim_ids=[claim.pk], assignee=second_fact_checker, user=editor)
    Notification.objects.all().delete()
    link_evidence(claim, second_fact_checker)
    assert told(fact_checker) == [(Kind.EVIDENCE_ADDED, claim.pk)]
    assert told(second_fact_checker) == told(editor) == []
    assert Notification.objects.get().sentence == (
        f"Petro Kovalenko added evidence to “{ROBOTYNE}”: Briefing (corroborates)"
    )


def test_evidence_at_risk_tells_the_proposer_of_the_verdict_that_stands(claim, fact_checker, editor, second_editor):
    second_proposer = make_fact_checker(username="iryna", first_name="Iryna", last_name="Shevchenko")
    first = workflow.review_propose(claim=claim, status=Status.CORROBORATED, rationale="Agency.", user=fact_checker)
    workflow.review_approve(review=first, user=editor)
    source = SourceFactory(title="MoD briefing")
    evidence = EvidenceFactory(claim=claim, source=source, stance=Stance.CONTRADICTS)
    standing = workflow.review_propose(claim=claim, status=Status.DISPUTED, rationale="Both.", user=second_proposer)
    workflow.review_approve(review=standing, user=second_editor)
    Notification.objects.all().delete()

    with transaction.atomic():
        watch = LinkWatch.objects.create(source=source, last_checked_at=timezone.now(), gone_since=timezone.now())
        signals.evidence_at_risk.send(sender=LinkWatch, watch=watch, by=None)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.evidence, notification.review) == (
        second_proposer,
        Kind.EVIDENCE_AT_RISK,
        evidence,
        standing,
    )
    assert notification.sentence == f"A source of your verdict “Disputed” on “{ROBOTYNE}” is gone: MoD briefing"


def test_a_refused_write_tells_nobody(claim, fact_checker, second_fact_checker, editor):
    review = workflow.review_propose(claim=claim, status=Status.CORROBORATED, rationale="Agency.", user=fact_checker)
    with pytest.raises(DeskRefusal):
        workflow.review_approve(review=review, user=second_fact_checker)  # fact-checkers do not decide
    with pytest.raises(workflow.Invalid):
        workflow.review_return(review=Review.objects.get(pk=review.pk), user=editor, note="")  # a note is needed
    assert not Notification.objects.exists()


def test_a_notification_is_rolled_back_with_its_write(claim, second_fact_checker, editor):
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.claims_assign(claim_ids=[claim.pk], assignee=second_fact_checker, user=editor)
        assert Notification.objects.exists()
        raise RuntimeError("the request failed after the write")
    assert not Notification.objects.exists()


def test_telling_many_people_costs_the_same_queries_as_telling_one(claim, fact_checker, editor):
    def queries_to_link(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            link_evidence(claim, editor, url=url)
        return len(context)

    NotificationPreference.objects.create(person=fact_checker, email=EmailChoice.EACH_EVENT)
    queries_to_link("https://example.org/first")  # the outlet example.org is new once
    one = queries_to_link("https://example.org/one")
    for number in range(6):
        proposer = make_fact_checker(username=f"proposer{number}")
        ReviewFactory(
            claim=claim, proposed_by=proposer, decision="withdrawn", decided_by=proposer, decided_at=timezone.now()
        )
        NotificationPreference.objects.create(person=proposer, email=EmailChoice.EACH_EVENT)
    assert queries_to_link("https://example.org/many") == one
    assert Notification.objects.filter(kind=Kind.EVIDENCE_ADDED).count() == 2 + 7


# --- The inbox page ------------------------------------------------------------------------------------


def notify(user, count: int = 1, **fields) -> list[Notification]:
    claim = fields.pop("claim", None) or ClaimFactory(text=ROBOTYNE)
    return Notification.objects.bulk_create(
        Notification(
            recipient=user, kind=Kind.ASSIGNED, claim=claim, sentence=f"Daniel Weber assigned you #{n}", **fields
        )
        for n in range(count)
    )


def test_the_inbox_lists_the_persons_notifications_newest_first_unread_marked(
    fact_checker_client, fact_checker, editor
):
    older, newer = notify(fact_checker, 2)
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    Notification.objects.filter(pk=newer.pk).update(read_at=timezone.now())
    notify(editor)  # someone else's
    page = fact_checker_client.get(reverse("inbox:list")).content.decode()
    assert page.index(f'id="notification-{newer.pk}"') < page.index(f'id="notification-{older.pk}"')
    assert page.count('class="inbox-item unread"') == 1 and page.count(">New</span>") == 1
    assert page.count("inbox-item") == 2
    assert f'href="{reverse("claims:detail", args=[older.claim_id])}"' in page
    assert "1 unread" in page


def test_marking_one_read_works_with_and_without_htmx(fact_checker_client, fact_checker):
    first, second = notify(fact_checker, 2)
    response = fact_checker_client.post(reverse("inbox:read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("inbox:list")
    response = fact_checker_client.post(reverse("inbox:read", args=[second.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "inboxChanged" in response["HX-Trigger"]
    assert (
        f'id="notification-{second.pk}"' in response.content.decode() and "Mark read" not in response.content.decode()
    )
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_mark_all_read_marks_only_the_persons_own(fact_checker_client, fact_checker, editor):
    notify(fact_checker, 3)
    theirs = notify(editor)[0]
    response = fact_checker_client.post(reverse("inbox:read_all"), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "All read." in response.content.decode()
    assert not Notification.objects.filter(recipient=fact_checker, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert fact_checker_client.post(reverse("inbox:read_all")).status_code == 302


def test_another_persons_notification_is_not_found(fact_checker_client, editor):
    theirs = notify(editor)[0]
    assert fact_checker_client.post(reverse("inbox:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_the_forms_token(fact_checker):
    notification = notify(fact_checker)[0]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(fact_checker)
    assert browser.post(reverse("inbox:read", args=[notification.pk])).status_code == 403
    assert browser.post(reverse("inbox:read_all")).status_code == 403
    assert Notification.objects.unread().count() == 1


def test_the_inbox_is_for_desk_members(client, outsider, editor_client):
    for url in (reverse("inbox:list"), reverse("inbox:count"), reverse("inbox:settings")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(reverse("inbox:read_all")).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("inbox:list")).status_code == 403
    assert client.post(reverse("inbox:read_all")).status_code == 403
    assert editor_client.get(reverse("inbox:list")).status_code == 200
    assert editor_client.get(reverse("inbox:read_all")).status_code == 405


def test_the_inbox_is_paged(fact_checker_client, fact_checker):
    notify(fact_checker, 35)
    first = fact_checker_client.get(reverse("inbox:list")).content.decode()
    assert first.count('class="inbox-item') == 30 and 'rel="next"' in first
    cursor = first.split("?after=")[1].split('"')[0]
    second = fact_checker_client.get(reverse("inbox:list") + "?after=" + cursor).content.decode()
    assert second.count('class="inbox-item') == 5 and 'rel="next"' not in second


def test_the_inbox_costs_the_same_queries_with_many_rows(
    fact_checker_client, fact_checker, django_assert_max_num_queries
):
    notify(fact_checker, 2)
    with CaptureQueriesContext(connection) as few:
        fact_checker_client.get(reverse("inbox:list"))
    notify(fact_checker, 40, claim=ClaimFactory())
    with django_assert_max_num_queries(len(few)):
        assert fact_checker_client.get(reverse("inbox:list")).status_code == 200


def test_the_navigation_counts_unread_notifications(fact_checker_client, fact_checker, editor):
    notify(fact_checker, 3)
    Notification.objects.filter(pk=notify(fact_checker)[0].pk).update(read_at=timezone.now())
    notify(editor, 5)
    page = fact_checker_client.get(reverse("claims:dashboard")).content.decode()
    assert 'id="inbox-count"' in page and 'aria-label="3 unread">3</span>' in page
    fragment = fact_checker_client.get(reverse("inbox:count")).content.decode()
    assert 'aria-label="3 unread">3</span>' in fragment and 'hx-trigger="inboxChanged from:body, every 30s"' in fragment


def test_the_counter_is_one_query_and_stops_at_99_plus(fact_checker_client, fact_checker, django_assert_num_queries):
    notify(fact_checker, 120)
    fact_checker_client.get(reverse("inbox:count"))  # the session and person are read once the same way each time
    with CaptureQueriesContext(connection) as context:
        fragment = fact_checker_client.get(reverse("inbox:count")).content.decode()
    assert ">99+</span>" in fragment
    counts = [query["sql"] for query in context.captured_queries if "inbox_notification" in query["sql"]]
    assert len(counts) == 1 and "LIMIT 100" in counts[0]


# --- E-mail settings -----------------------------------------------------------------------------------


def test_choosing_the_daily_digest(fact_checker_client, fact_checker):
    assert "E-mail me" in fact_checker_client.get(reverse("inbox:settings")).content.decode()
    response = fact_checker_client.post(reverse("inbox:settings"), {"email": EmailChoice.DAILY_DIGEST})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(person=fact_checker)
    assert preference.email == EmailChoice.DAILY_DIGEST and preference.last_digest_at is not None


def test_a_bad_choice_is_said_beside_the_field(fact_checker_client, fact_checker):
    for bad in ({"email": "hourly"}, {}):
        response = fact_checker_client.post(reverse("inbox:settings"), bad)
        assert response.status_code == 422
        assert 'class="field-error" id="id_email-error"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


# --- E-mail --------------------------------------------------------------------------------------------


def test_each_event_sends_one_email_per_notification(settings, claim, fact_checker, editor):
    fact_checker.email = "olena@example.org"
    fact_checker.save()
    NotificationPreference.objects.create(person=fact_checker, email=EmailChoice.EACH_EVENT)
    review = workflow.review_propose(claim=claim, status=Status.CORROBORATED, rationale="Agency.", user=fact_checker)
    workflow.review_return(review=review, user=editor, note="Which agency?")

    job = ProcrastinateJob.objects.get(task_name="inbox.tasks.email_notifications")
    assert job.queue_name == "mail"
    email_notifications(**job.args)
    email_notifications(**job.args)  # delivered twice: sent once

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olena@example.org"]
    assert "Daniel Weber returned your proposal" in message.subject
    assert f"on “{ROBOTYNE}”: Which agency?" in message.body
    assert f"{settings.SITE_URL}{claim.get_absolute_url()}" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_no_email_is_queued_for_people_who_did_not_ask(claim, second_fact_checker, editor):
    workflow.claims_assign(claim_ids=[claim.pk], assignee=second_fact_checker, user=editor)
    assert not ProcrastinateJob.objects.filter(task_name="inbox.tasks.email_notifications").exists()


def test_people_without_an_address_are_skipped(fact_checker):
    notification = notify(fact_checker)[0]
    assert inbox_mail.send_each([notification.pk]) == 0
    assert mail.outbox == []


def test_the_digest_gathers_a_days_notifications_into_one_email_and_not_twice(settings, fact_checker, editor):
    settings.INBOX_DIGEST_HOUR = 7
    fact_checker.email = "olena@example.org"
    fact_checker.save()
    editor.email = "daniel@example.org"
    editor.save()  # no digest chosen: nothing for him
    morning = timezone.localtime().replace(hour=7, minute=30, second=0, microsecond=0)
    NotificationPreference.objects.create(
        person=fact_checker, email=EmailChoice.DAILY_DIGEST, last_digest_at=morning - dt.timedelta(days=1)
    )
    before_last_digest = notify(fact_checker)[0]
    Notification.objects.filter(pk=before_last_digest.pk).update(created_at=morning - dt.timedelta(days=2))
    todays = notify(fact_checker, 3)
    Notification.objects.filter(pk__in=[n.pk for n in todays]).update(created_at=morning - dt.timedelta(hours=3))
    notify(editor, 2)

    assert inbox_mail.send_digests(now=morning) == 1
    assert inbox_mail.send_digests(now=morning + dt.timedelta(hours=1)) == 0  # the next hour's run: already sent

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["olena@example.org"] and "3 notifications" in digest.subject
    assert digest.body.count("Daniel Weber assigned you") == 3
    assert set(Notification.objects.filter(emailed_at__isnull=False).values_list("pk", flat=True)) == {
        n.pk for n in todays
    }
    # The next day's digest carries only what came since.
    Notification.objects.filter(pk=notify(fact_checker)[0].pk).update(created_at=morning + dt.timedelta(hours=2))
    assert inbox_mail.send_digests(now=morning + dt.timedelta(days=1)) == 1
    assert mail.outbox[1].body.count("Daniel Weber assigned you") == 1


def test_the_digest_waits_for_its_hour(settings, fact_checker):
    settings.INBOX_DIGEST_HOUR = 7
    fact_checker.email = "olena@example.org"
    fact_checker.save()
    six = timezone.localtime().replace(hour=6, minute=0, second=0, microsecond=0)
    NotificationPreference.objects.create(
        person=fact_checker, email=EmailChoice.DAILY_DIGEST, last_digest_at=six - dt.timedelta(hours=20)
    )
    Notification.objects.filter(pk=notify(fact_checker)[0].pk).update(created_at=six - dt.timedelta(hours=1))
    assert inbox_mail.send_digests(now=six) == 0
    assert inbox_mail.send_digests(now=six + dt.timedelta(hours=1)) == 1
