"""The hostile-input battery's settings and its desk: people in every role, signed in, and a few
claims with evidence and proposals to aim at.

Hypothesis runs deterministically here (derandomize, no example database): the battery checks
the same cases on every run and in CI. (Hypothesis still keeps caches in .hypothesis/, which git
ignores.) The profile is applied with battery.BATTERY on each test rather than loaded globally,
so other suites keep their own settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, settings

from claims.models import Affiliation, Claim, ClaimantKind, Evidence, Outlet, Review, Status
from tests.factories import (
    AffiliationFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    ReviewFactory,
    SourceFactory,
)

# Examples per hypothesis test. With the parametrised cases this gives the battery well over
# MIN_CASES cases in about a minute on two cores.
settings.register_profile(
    "security-battery",
    derandomize=True,
    database=None,
    max_examples=15,
    deadline=None,
    print_blob=False,
    # No shrinking: a failing payload is readable as it is, and shrinking page-heavy examples
    # can take minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

HERE = Path(__file__).parent
_run = {"whole_battery": False, "deselected": False}


def pytest_deselected(items):
    if any(Path(item.path).parent == HERE for item in items):
        _run["deselected"] = True


def pytest_collection_finish(session):
    """The case count is checked only when every test of the battery runs (not for one file)."""
    selected = {(Path(item.path).name, item.originalname) for item in session.items if Path(item.path).parent == HERE}
    defined = {
        (path.name, name)
        for path in HERE.glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    _run["whole_battery"] = selected == defined and not _run["deselected"]


@pytest.fixture(scope="session", autouse=True)
def _battery_has_enough_cases(request):
    yield
    if _run["whole_battery"] and not request.session.testsfailed:
        # Imported here: battery.py reads the profile registered above when it is imported.
        from tests.security.battery import MIN_CASES, count_case

        assert count_case.total >= MIN_CASES, f"the battery ran {count_case.total} cases, fewer than {MIN_CASES}"


@dataclass
class Desk:
    editor: object
    second_editor: object
    fact_checker: object
    second_fact_checker: object
    outsider: object
    independent: Affiliation
    russian_government: Affiliation
    reuters: Outlet
    tass: Outlet
    claim: Claim  # with evidence and a pending proposal by `fact_checker`
    review: Review
    evidence: Evidence
    open_claim: Claim  # no proposal, nobody assigned
    taken_claim: Claim  # assigned to `second_fact_checker`
    others_review: Review  # proposed by `second_fact_checker`
    editors_review: Review  # proposed by `editor`
    browsers: dict[str, Client] = field(default_factory=dict)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text("<the security desk>")  # hypothesis prints it with each failing example

    def __post_init__(self) -> None:
        # Signed in up front: signing in writes a session, which must not count as a refused
        # request's write.
        for who in ("editor", "second_editor", "fact_checker", "second_fact_checker", "outsider", "anonymous"):
            self.browsers[who] = self.new_client(who)

    def client(self, who: str) -> Client:
        """The browser of `who` (an attribute name, or "anonymous"), signed in."""
        return self.browsers[who]

    def new_client(self, who: str, **kwargs) -> Client:
        browser = Client(**kwargs)
        if who != "anonymous":
            browser.force_login(getattr(self, who))
        return browser


@pytest.fixture
def battery_desk(fact_checker, second_fact_checker, editor, second_editor, outsider) -> Desk:
    """The desk the battery aims at: the conftest personas, signed in, and the claims described on Desk."""
    independent = AffiliationFactory(name="Independent")
    russian_government = AffiliationFactory(name="Russian government")
    reuters = OutletFactory(domain="reuters.com", name="Reuters", affiliation=independent)
    tass = OutletFactory(domain="tass.ru", name="TASS", affiliation=russian_government)
    ministry = ClaimantFactory(
        name="Russian Ministry of Defence", kind=ClaimantKind.GOVERNMENT_BODY, affiliation=russian_government
    )
    claim = ClaimFactory(text="Forces took Robotyne on 15 May.", claimant=ministry, tags=["front"])
    evidence = EvidenceFactory(claim=claim, source=SourceFactory(outlet=tass, url="https://tass.ru/armiya/1"))
    taken_claim = ClaimFactory(claimant=ministry, assignee=second_fact_checker)
    return Desk(
        editor=editor,
        second_editor=second_editor,
        fact_checker=fact_checker,
        second_fact_checker=second_fact_checker,
        outsider=outsider,
        independent=independent,
        russian_government=russian_government,
        reuters=reuters,
        tass=tass,
        claim=claim,
        review=ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=Status.UNVERIFIABLE),
        evidence=evidence,
        open_claim=ClaimFactory(claimant=ministry),
        taken_claim=taken_claim,
        others_review=ReviewFactory(claim=taken_claim, proposed_by=second_fact_checker),
        editors_review=ReviewFactory(
            claim=ClaimFactory(claimant=ministry), proposed_by=editor, proposed_status=Status.UNVERIFIABLE
        ),
    )
