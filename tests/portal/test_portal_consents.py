"""Your consents on the resident site: a one-time code to an email or phone on record, then
the consents of every record holding it, each withdrawn at once. The code page answers the
same whether or not the address is on record; codes expire, allow 5 tries and are
rate-limited."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstcontact.customers.models import Consent, CustomerEmail, CustomerPhone
from firstcontact.customers.services import create_customer, record_consent
from firstcontact.portal.views import consents as views
from firstcontact.privacy.models import AuditEvent

START, CODE, LIST = "/your-consents/", "/your-consents/code/", "/your-consents/list/"


@pytest.fixture
def sam(portal):
    """Sam on two partners' records with one email, and consents on each."""
    county = create_customer(
        user=None,
        partner=portal.county,
        given_name="Sam",
        family_name="Resident",
        emails=["sam@example.org"],
        consents=["email_updates"],
    )
    south = create_customer(
        user=None,
        partner=portal.south,
        given_name="Sam",
        family_name="Resident",
        emails=["Sam@Example.org"],
        phones=["07700 900 982"],
    )
    record_consent(
        user=None,
        customer=south,
        purpose="share_with_partners",
        recipient=portal.county,
        data_category="identity",
        channel="phone",
    )
    return county, south


def _ask(client, contact, capture):
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(START, {"contact": contact})
    return response


def _code_sent() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)


def test_a_code_proves_the_email_and_lists_every_records_consents(
    client, sam, django_capture_on_commit_callbacks
):
    county, south = sam
    assert "Send me a code" in client.get(START).content.decode()
    response = _ask(client, "SAM@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == CODE
    code = _code_sent()
    assert mail.outbox[0].to == ["SAM@example.org"]  # as typed (its domain in lower case)
    page = client.get(CODE).content.decode()
    assert "If <strong>SAM@example.org</strong> is on our records" in page
    assert client.get(LIST)["Location"] == START  # not proven yet
    response = client.post(CODE, {"code": f"{code[:3]} {code[3:]}"})
    assert response["Location"] == LIST
    html = client.get(LIST).content.decode()
    for shown in [
        "Wessex County Council",
        "Updates by email",
        "Sharing your records",
        "Your details and how to contact you",
        "By phone",
        "Do you agree that",
    ]:
        assert shown in html, shown
    assert html.count(">Withdraw<") == 2
    # Proving the code verifies the address on every record holding it.
    assert not CustomerEmail.objects.filter(verified_at__isnull=True).exists()
    assert not CustomerPhone.objects.filter(verified_at__isnull=False).exists()
    verified = AuditEvent.objects.filter(detail__startswith="email address verified")
    assert {e.customer_id for e in verified} == {county.pk, south.pk}
    viewed = AuditEvent.objects.filter(detail__startswith="consents seen")
    assert {e.customer_id for e in viewed} == {county.pk, south.pk}


def test_withdrawing_takes_effect_at_once_and_only_for_your_own(
    client, sam, portal, django_capture_on_commit_callbacks
):
    county, south = sam
    someone = create_customer(
        user=None, partner=portal.county, family_name="Else", emails=["else@example.org"],
        consents=["surveys"],
    )  # fmt: skip
    theirs = someone.consents.get()
    _ask(client, "sam@example.org", django_capture_on_commit_callbacks)
    client.post(CODE, {"code": _code_sent()})
    share = Consent.objects.get(customer=south, purpose="share_with_partners")
    response = client.post(LIST, {"consent": share.pk})
    assert response["Location"] == LIST
    share.refresh_from_db()
    assert share.withdrawn_at is not None and share.withdrawn_by is None
    html = client.get(LIST).content.decode()
    assert "You have withdrawn your consent" in html and html.count(">Withdraw<") == 1
    assert AuditEvent.objects.filter(
        customer_id=south.pk, detail__startswith="consent withdrawn"
    ).exists()
    # Someone else's consent, one already withdrawn, or nonsense: 404, nothing changed.
    assert client.post(LIST, {"consent": theirs.pk}).status_code == 404
    assert client.post(LIST, {"consent": share.pk}).status_code == 404
    assert client.post(LIST, {"consent": "x' OR 1=1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_the_same_answer_whether_or_not_the_address_is_on_record(
    client, sam, django_capture_on_commit_callbacks
):
    known = _ask(client, "sam@example.org", django_capture_on_commit_callbacks)
    known_page = client.get(CODE).content.decode()
    other = Client()
    unknown = _ask(other, "nobody@example.org", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    unknown_page = other.get(CODE).content.decode()
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]

    def strip(html):
        html = re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+\"", "", html)
        html = re.sub(r"nonce=\"[^\"]+\"", "", html)
        return html.replace("sam@example.org", "X").replace("nobody@example.org", "X")

    assert strip(known_page) == strip(unknown_page)
    # No code for nobody can be right.
    for guess in ("000000", "123456"):
        other.post(CODE, {"code": guess})
    assert other.get(LIST)["Location"] == START


def test_wrong_codes_count_and_five_is_the_limit(client, sam, django_capture_on_commit_callbacks):
    _ask(client, "sam@example.org", django_capture_on_commit_callbacks)
    code = _code_sent()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1, 0):
        html = client.post(CODE, {"code": wrong}).content.decode()
        assert f"The code is not right. Check it and try again ({left} tries left)" in html
    html = client.post(CODE, {"code": code}).content.decode()  # right, but too late
    assert "You have entered a wrong code too many times" in html
    assert client.get(LIST)["Location"] == START
    assert client.get(CODE)["Location"] == START  # ask for a new one


def test_an_expired_code_is_refused(client, sam, django_capture_on_commit_callbacks):
    _ask(client, "sam@example.org", django_capture_on_commit_callbacks)
    code = _code_sent()
    session = client.session
    session[views.PENDING_KEY]["expires"] = time.time() - 1
    session.save()
    html = client.post(CODE, {"code": code}).content.decode()
    assert "This code has expired. Ask for a new code" in html
    assert client.get(LIST)["Location"] == START


def test_the_proof_lasts_a_short_while(client, sam, django_capture_on_commit_callbacks):
    _ask(client, "07700900982", django_capture_on_commit_callbacks)
    assert mail.outbox == []  # a text message: GOV.UK Notify, not configured in tests
    session = client.session
    session[views.PROOF_KEY] = {"contact": "phone:+447700900982", "until": time.time() - 1}
    session.save()
    assert client.get(LIST)["Location"] == START


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your email address or mobile phone number"),
        ("sam@", "Enter an email address, like name@example.com, or a mobile phone number"),
        ("hello", "Enter an email address, like name@example.com, or a mobile phone number"),
        ("0123", "Enter an email address, like name@example.com, or a mobile phone number"),
    ],
)
def test_bad_contact_details_are_field_errors(client, portal, typed, message):
    response = client.post(START, {"contact": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html and 'href="#id_contact"' in html


def test_codes_are_rate_limited_per_connection_and_per_address(
    client, sam, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_RATE_LIMITS = {"consent_code": (3, 3600)}
    for _ in range(3):
        assert (
            _ask(client, "nobody@example.org", django_capture_on_commit_callbacks).status_code
            == 302
        )
    assert client.post(START, {"contact": "sam@example.org"}).status_code == 429
    settings.PORTAL_RATE_LIMITS = {}
    # From many connections, one address still gets at most CODES_PER_CONTACT an hour.
    for n in range(views.CODES_PER_CONTACT):
        response = Client(REMOTE_ADDR=f"10.0.0.{n}").post(START, {"contact": "sam@example.org"})
        assert response.status_code == 302
    assert (
        Client(REMOTE_ADDR="10.0.1.1").post(START, {"contact": "sam@example.org"}).status_code
        == 429
    )


def test_the_pages_are_in_polish(client, sam):
    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    html = client.get(START).content.decode()
    assert '<html lang="pl"' in html and "Wyślij mi kod" in html


def test_forms_need_the_csrf_token(sam):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(START, {"contact": "sam@example.org"}).status_code == 403


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(typed=st.text(max_size=30))
def test_any_code_typed_is_an_error_or_a_try_never_a_500(client, sam, typed):
    cache.clear()  # each example from a fresh rate-limit window
    session = client.session
    session[views.PENDING_KEY] = {
        "contact": "email:sam@example.org",
        "hash": views._hash("654321", "email:sam@example.org"),
        "expires": time.time() + 600,
        "tries": 0,
    }
    session.save()
    response = client.post(CODE, {"code": typed})
    if "".join(typed.split()).replace("-", "") == "654321":
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert client.get(LIST)["Location"] == START
