"""The restore drill: back the desk up, damage it, restore it, and prove every table is as it was.

These tests run pg_dump and pg_restore against the test database itself, so they are transactional:
the restore needs the tables free of any open transaction of ours.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from claims import workflow
from claims.models import Claim, ClaimEvent, Evidence, SourceKind, Stance, Status
from tests.factories import ClaimantFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fingerprint() -> dict[str, tuple]:
    """Every public table's row count and a checksum of its rows in a fixed order, and every sequence's position."""
    prints = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        for (table,) in cursor.fetchall():
            # The name comes from the catalogue and is quoted: nothing outside can reach this SQL.
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
                f" FROM {connection.ops.quote_name(table)} AS t"
            )
            prints[table] = cursor.fetchone()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        prints |= {f"sequence {name}": (value,) for name, value in cursor.fetchall()}
    return prints


@pytest.fixture
def desk_with_history(fact_checker, editor):
    """A small desk as people leave it: claims with tags and evidence, one approved review, audit rows."""
    ministry = ClaimantFactory(name="Ministry of Defence")
    strike = ClaimFactory(
        text="Drones struck the Kharkiv power plant overnight.", claimant=ministry, tags=["energy", "Kharkiv"]
    )
    EvidenceFactory(claim=strike, source=SourceFactory(title="Plant hit, say engineers"), excerpt="Two turbines.")
    workflow.evidence_add(
        claim=strike,
        user=fact_checker,
        url="https://local-news.example.net/kharkiv/plant",
        title="Residents without power",
        kind=SourceKind.ARTICLE,
        stance=Stance.CONTEXT,
    )
    review = workflow.review_propose(
        claim=strike, status=Status.CORROBORATED, rationale="An independent outlet saw it.", user=fact_checker
    )
    workflow.review_approve(review=review, user=editor, note="Agreed.")
    village = ClaimFactory(text="Війська звільнили село Роботине.", claimant=ministry, quote="«Село наше».")
    EvidenceFactory(claim=village, stance=Stance.CONTRADICTS)
    return {"strike": strike, "village": village}


def test_a_restore_brings_back_every_table_exactly(desk_with_history, fact_checker, tmp_path, capsys):
    assert (
        ClaimEvent.objects.exists()
        and Claim.objects.get(pk=desk_with_history["strike"].pk).status == Status.CORROBORATED
    )
    original = fingerprint()
    backup = tmp_path / "desk.dump"

    call_command("backup", output=str(backup))
    assert f"Wrote {backup} (" in capsys.readouterr().out

    strike = desk_with_history["strike"]
    strike.text = "Drones struck a substation near Kharkiv."
    strike.save()
    workflow.evidence_remove(evidence=strike.evidence.first(), user=fact_checker)
    desk_with_history["village"].delete()
    ClaimFactory(text="A claim logged after the backup.", tags=["late"])
    assert fingerprint() != original

    call_command("restore", str(backup), no_input=True)

    restored = fingerprint()
    assert restored.keys() == original.keys()
    for table, rows in original.items():
        assert restored[table] == rows, table
    # The triggers came back too: an edit is searchable and audited again.
    events = ClaimEvent.objects.count()
    Claim.objects.filter(pk=strike.pk).update(text="Shelling cut the Kharkiv tram lines.")
    assert list(Claim.objects.search("tram")) == [Claim.objects.get(pk=strike.pk)]
    assert ClaimEvent.objects.count() == events + 1


def test_a_truncated_backup_fails_and_changes_nothing(desk_with_history, tmp_path):
    backup = tmp_path / "desk.dump"
    call_command("backup", output=str(backup))
    whole = backup.read_bytes()
    # Lose the end of the last table's rows: the table of contents at the start still reads, so the
    # check passes and pg_restore fails after it has dropped, recreated and refilled most tables.
    # The single transaction must take all of that back.
    backup.write_bytes(whole[:-50])
    Evidence.objects.filter(claim=desk_with_history["village"]).delete()
    before = fingerprint()

    with pytest.raises(CommandError, match=r"^pg_restore failed: .*end of file"):
        call_command("restore", str(backup), no_input=True)

    assert fingerprint() == before


def test_a_missing_file_is_refused_and_changes_nothing(desk_with_history, tmp_path):
    before = fingerprint()
    with pytest.raises(CommandError, match=r"There is no backup file at .*nowhere\.dump; nothing was changed\."):
        call_command("restore", str(tmp_path / "nowhere.dump"), no_input=True)
    assert fingerprint() == before


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(desk_with_history, tmp_path):
    notes = tmp_path / "notes.dump"
    notes.write_text("Monday: check the Kharkiv claims.\n")
    before = fingerprint()
    with pytest.raises(CommandError, match=r"notes\.dump is not a readable backup \(pg_restore failed: .+\)"):
        call_command("restore", str(notes), no_input=True)
    assert fingerprint() == before


def test_a_restore_asks_for_the_database_name_first(desk_with_history, tmp_path, monkeypatch):
    backup = tmp_path / "desk.dump"
    call_command("backup", output=str(backup))
    ClaimFactory(text="Logged after the backup.")
    before = fingerprint()
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "yes")

    with pytest.raises(CommandError, match=r"Restore cancelled; nothing was changed\."):
        call_command("restore", str(backup))

    assert prompts == [
        f"This replaces everything in the database “{connection.settings_dict['NAME']}” with {backup}."
        f" Type {connection.settings_dict['NAME']} to go on: "
    ]
    assert fingerprint() == before


def test_a_backup_creates_missing_folders(desk_with_history, tmp_path):
    backup = tmp_path / "new" / "nested" / "desk.dump"
    call_command("backup", output=str(backup))
    assert backup.read_bytes().startswith(b"PGDMP")  # the custom format's signature
    assert list(backup.parent.iterdir()) == [backup]


def test_a_folder_is_not_a_file_name(tmp_path):
    with pytest.raises(CommandError, match=r"is a folder; give the backup file's name, such as .*desk\.dump\."):
        call_command("backup", output=str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_without_output_the_backup_goes_to_var_backups_with_the_time(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    call_command("backup")
    (written,) = (tmp_path / "var" / "backups").iterdir()
    assert written.name.startswith("newsdesk-20") and written.name.endswith("Z.dump")


def test_a_failed_dump_says_why_and_leaves_no_file(desk_with_history, tmp_path, monkeypatch):
    connection.ensure_connection()  # our own session stays on the real database
    monkeypatch.setitem(django_settings.DATABASES["default"], "NAME", "no_such_newsdesk")
    backup = tmp_path / "desk.dump"

    with pytest.raises(CommandError, match=r"pg_dump failed: .*database \"no_such_newsdesk\" does not exist"):
        call_command("backup", output=str(backup))

    assert list(tmp_path.iterdir()) == []
