"""What the demo shows: every feature the README lists has demo data behind it (a walk of the
README's feature list), the desk search box's example (misspelt) finds the person it names,
Polish pages show the catalogue in Polish, licensing and eligibility are there to try."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", people=120, calls=False, no_progress=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo, db):
    return None


def test_the_desk_search_hint_finds_the_person_it_names(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="adviser"))
    page = client.get("/desk/").content.decode()
    hint = re.search(r'id="q-hint">[^<]*“([^”]+)” finds ([^<.]+)\.', page)
    assert hint, "the search box has an example in its hint"
    typed, named = hint.groups()
    assert typed != named  # the example is misspelt on purpose
    results = client.get("/desk/", {"q": typed}).content.decode()
    assert named in results


def test_polish_resident_pages_show_the_catalogue_in_polish(demo):
    client = Client()
    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    page = client.get("/report/").content.decode()
    for polish in ["Dziura w jezdni", "Nieodebrane odpady", "Nielegalne wysypisko śmieci"]:
        assert polish in page
    page = client.get("/report/pothole/", follow=True).content.decode()
    assert '<span class="govuk-caption-l">Dziura w jezdni</span>' in page
    page = client.get("/tell-us-once/").content.decode()
    assert "Zgłoś zgon" in page


README = Path(__file__).resolve().parents[2] / "README.md"


def _exists(model_path: str, **filters) -> bool:
    from django.apps import apps

    return apps.get_model(model_path).objects.filter(**filters).exists()


def _licensing() -> bool:
    codes = ["taxi-licence", "street-trading", "car-boot-sale", "animal-licence"]
    codes += ["premises-licence"]
    return all(_exists("catalogue.Service", code=c, deliveries__isnull=False) for c in codes)


# Each feature the README lists ("- **Name**"), and what in the demo shows it. None: the
# feature is configuration an operator sets up, or the code's own behaviour, not demo data
# (the reason says which).
FEATURES = {
    "Adviser desktop": lambda: (
        _exists("contacts.Contact")
        and _exists("catalogue.ProactivePrompt", active=True)  # "also offer" prompts
        and _exists("contacts.Callback")
        and _exists("catalogue.Service", adviser_script__gt="")  # knowledge answers
    ),
    "Keeping the record right": lambda: (
        _exists("customers.CustomerChange") and _exists("customers.Consent", wording__gt="")
    ),
    "Back office": lambda: (
        _exists("servicerequests.ServiceRequest", status="closed")
        and _exists("servicerequests.Referral")
        and _exists("catalogue.PriorityRule")
        and _exists("servicerequests.ServiceRequest", service__kind="complaint")
        and _exists("casework.CannedReply", service__isnull=False)
        and _exists("casework.SavedView")
    ),
    "Insight": lambda: _exists("contacts.Contact", ended_at__isnull=False),
    "Open311": lambda: _exists("catalogue.Service", open311_reportable=True),
    "Admin": lambda: _exists("privacy.DataSharingAgreement") and _exists("catalogue.SLAPolicy"),
    "Report a problem": lambda: _exists("catalogue.Service", kind="fault_report", private=False),
    "Apply": lambda: (
        _exists("catalogue.EligibilityQuestion")
        and _exists("catalogue.EvidenceRequirement")
        and _licensing()
    ),
    "Tell us once": lambda: _exists("lifeevents.LifeEvent", active=True, items__isnull=False),
    "Track": lambda: _exists("servicerequests.RequestUpdate", public=True),
    "Privacy": lambda: _exists("partners.Partner", privacy_notice__gt=""),
    "Give feedback": None,  # surveys come with the month of calls (tests/telephony)
    "Find a person": lambda: _exists("customers.CustomerLink"),
    # The data steward's queue, a pair's comparison, and a merge to undo (/steward/).
    "Possible duplicates": lambda: _exists("linkage.CandidatePair", status="pending"),
    "A pair": lambda: any(
        p.comparison for p in apps.get_model("linkage.CandidatePair").objects.all()
    ),
    "Merges": lambda: _exists("customers.CustomerMerge", undone_at__isnull=True),
    "Subject access requests": lambda: _exists("privacy.SubjectAccessRequest"),
    "Audit trail": lambda: _exists("privacy.AuditEvent"),
    "Erasure requests": lambda: _exists("retention.ErasureRequest"),
    "API": lambda: _exists("directory.Service"),
    "Export": None,  # made on demand from a subject access request (tests/dpo)
    "Second factor": None,  # secure-adviser's secret is printed by load_demo (tests/demo)
    "Lockout": None,  # behaviour of sign-in (tests/accounts)
    "Sessions": None,  # behaviour of sign-in (tests/accounts)
    "IMAP": None,  # an operator's mailbox settings (tests/inbox)
    "Mail gateway webhook": None,  # an operator's mail gateway (tests/inbox)
    "GOV.UK Notify": None,  # an operator's Notify account (tests/inbox)
    "Import a feed": None,  # another directory's API (tests/directory)
    "Postcodes": None,  # the ONS postcode file (tests/directory)
}


def test_every_feature_the_readme_lists_is_in_the_demo(demo):
    listed = re.findall(r"^- \*\*([^*]+)\*\*", README.read_text(encoding="utf-8"), re.M)
    unknown = sorted(set(listed) - set(FEATURES))
    assert not unknown, f"README features with no demo check here: {unknown}"
    missing = [name for name in listed if FEATURES[name] is not None and not FEATURES[name]()]
    assert not missing, f"README features the demo does not show: {missing}"


def test_the_readmes_named_examples_are_in_the_demo(demo):
    text = README.read_text(encoding="utf-8")
    # Claims in the README's prose and what backs them in the demo.
    claims = {
        "eligibility questions": lambda: _exists("catalogue.EligibilityQuestion"),
        '"also offer" prompts': lambda: _exists("catalogue.ProactivePrompt"),
        "licensing": _licensing,
        "English and Polish": lambda: _exists("translations.Translation", language="pl"),
        "a pothole deeper\nthan 10 cm": lambda: _exists("catalogue.PriorityRule"),
        "the demo partners have one each": lambda: (
            not _exists("partners.Partner", privacy_notice="")
        ),
        "canned replies for every partner": lambda: (
            not _exists("partners.Partner", canned_replies__isnull=True)
        ),
        "two saved views for `highways`": lambda: _exists(
            "casework.SavedView", user__username="highways", is_default=False
        ),
        "Reported by 2 people": lambda: _exists("servicerequests.RequestSupporter"),
        "street light, fixed three days ago": lambda: _exists(
            "servicerequests.ServiceRequest", service__code="street-light", status="closed"
        ),
    }
    for phrase, check in claims.items():
        assert phrase.replace("\n", " ") in " ".join(text.split()), phrase
        assert check(), phrase


def test_licensing_and_eligibility_are_there_to_try(demo):
    client = Client()
    page = client.get("/apply/").content.decode()
    for name in ["Taxi and private hire licence", "Street trading consent", "Premises licence"]:
        assert name in page
    client.get("/apply/blue-badge/")
    question = client.get("/apply/blue-badge/eligibility-lives-here/").content.decode()
    assert "Does the person the badge is for live in Wessex?" in question
    adviser = Client()
    adviser.force_login(get_user_model().objects.get(username="adviser"))
    form = adviser.get("/desk/raise/taxi-licence/").content.decode()
    assert "Has the applicant held a full driving licence for at least 12 months?" in form
