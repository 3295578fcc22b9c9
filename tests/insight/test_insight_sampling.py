"""Satisfaction sampling: the rate rises with abandonment and falls back; invitations go out
through the notify layer to consenting customers; the survey page records answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from tests.telephony.telephony_helpers import answered_call, at, left_call, load

from firstcontact.contacts.services import end_contact, start_contact
from firstcontact.customers.services import create_customer
from firstcontact.insight import sampling
from firstcontact.insight.models import (
    SamplingRateChange,
    SamplingRule,
    SatisfactionResponse,
    SurveyInvitation,
)
from firstcontact.notify.models import Notification
from firstcontact.servicerequests.services import change_status, clean_location, raise_request
from firstcontact.telephony.models import Queue

DAY = dt.date(2026, 5, 5)


def calls_between(hour: int, answered: int, abandoned: int, prefix: str) -> list[str]:
    lines = []
    for i in range(answered):
        lines += answered_call(
            DAY, "south-main", f"{prefix}a{i}", f"{hour}:{i:02d}:00", 5, 60, "SIP/a"
        )
    for i in range(abandoned):
        lines += left_call(DAY, "south-main", f"{prefix}b{i}", f"{hour}:{30 + i:02d}:00", 45)
    return lines


@pytest.fixture
def rule(partnership):
    queue = Queue.objects.create(name="south-main", partner=partnership.south)
    return SamplingRule.objects.create(
        queue=queue,
        base_rate=0.1,
        raised_rate=0.5,
        raise_above=0.2,
        lower_below=0.1,
        period_minutes=60,
        min_calls=5,
    )


def test_rate_rises_with_abandonment_and_falls_back_with_hysteresis(rule):
    """09:00–10:00: 7 answered, 3 abandoned → 30% > 20%: raised to 50%.
    10:00–11:00: 17 answered, 3 abandoned → 15%: between the thresholds, stays raised.
    11:00–12:00: 10 answered, 0 abandoned → 0% < 10%: back to 10%."""
    load(
        calls_between(9, 7, 3, "x") + calls_between(10, 17, 3, "y") + calls_between(11, 10, 0, "z")
    )
    sampling.evaluate_rules(now=at(DAY, "10:00:00"))
    rule.refresh_from_db()
    assert rule.raised and rule.current_rate == 0.5
    assert rule.last_abandonment_rate == pytest.approx(0.3) and rule.last_offered == 10
    sampling.evaluate_rules(now=at(DAY, "11:00:00"))
    rule.refresh_from_db()
    assert rule.raised and rule.last_abandonment_rate == pytest.approx(0.15)
    sampling.evaluate_rules(now=at(DAY, "12:00:00"))
    rule.refresh_from_db()
    assert not rule.raised and rule.current_rate == 0.1
    changes = list(SamplingRateChange.objects.order_by("at").values_list("from_rate", "to_rate"))
    assert changes == [(0.1, 0.5), (0.5, 0.1)]


def test_too_few_calls_change_nothing(rule):
    load(calls_between(9, 1, 3, "x"))  # 75% abandoned, but only 4 calls
    sampling.evaluate_rules(now=at(DAY, "10:00:00"))
    rule.refresh_from_db()
    assert not rule.raised and rule.last_offered == 4


def test_every_mapped_queue_gets_a_rule(partnership):
    Queue.objects.create(name="north-main", partner=partnership.north)
    Queue.objects.create(name="unmapped")
    sampling.evaluate_rules()
    assert set(SamplingRule.objects.values_list("queue__name", flat=True)) == {None, "north-main"}


def test_selection_is_deterministic_and_near_the_rate():
    assert not sampling.selected("contact:1", 0.0)
    assert sampling.selected("contact:1", 1.0)
    chosen = sum(sampling.selected(f"contact:{i}", 0.3) for i in range(2000))
    assert 530 < chosen < 670
    assert [sampling.selected(f"contact:{i}", 0.3) for i in range(50)] == [
        sampling.selected(f"contact:{i}", 0.3) for i in range(50)
    ]


@pytest.fixture
def resident(partnership):
    return create_customer(
        user=None,
        partner=partnership.south,
        given_name="Ada",
        family_name="Lovelace",
        emails=["ada@example.org"],
        phones=["0113 496 0456"],
        consents=["surveys"],
    )


def test_an_ended_contact_invites_a_consenting_customer(
    partnership, resident, django_capture_on_commit_callbacks
):
    sampling.default_rule()
    SamplingRule.objects.filter(queue__isnull=True).update(base_rate=1.0, raised_rate=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        contact = start_contact(
            user=None, channel="web", partner=partnership.south, customer=resident
        )
        end_contact(contact=contact, outcome="resolved")
    invitation = SurveyInvitation.objects.get(contact=contact)
    assert invitation.sent_by == "email" and invitation.rate == 1.0
    assert len(mail.outbox) == 1
    assert f"/insight/survey/{invitation.token}/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["ada@example.org"]


def test_the_queue_rate_applies_to_phone_contacts(
    partnership, resident, rule, django_capture_on_commit_callbacks
):
    SamplingRule.objects.filter(pk=rule.pk).update(raised=True, raised_rate=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        contact = start_contact(
            user=None, channel="phone", partner=partnership.south, customer=resident
        )
        end_contact(contact=contact, outcome="resolved")
    invitation = SurveyInvitation.objects.get(contact=contact)
    assert invitation.queue.name == "south-main" and invitation.rate == 1.0


def test_no_invitation_without_consent_or_when_not_sampled(
    partnership, django_capture_on_commit_callbacks
):
    no_consent = create_customer(
        user=None, partner=partnership.south, family_name="Quiet", emails=["q@example.org"]
    )
    sampling.default_rule()
    SamplingRule.objects.filter(queue__isnull=True).update(base_rate=1.0, raised_rate=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        contact = start_contact(
            user=None, channel="web", partner=partnership.south, customer=no_consent
        )
        end_contact(contact=contact, outcome="resolved")
    assert not SurveyInvitation.objects.exists()
    consenting = create_customer(
        user=None,
        partner=partnership.south,
        family_name="Keen",
        emails=["k@example.org"],
        consents=["surveys"],
    )
    SamplingRule.objects.filter(queue__isnull=True).update(base_rate=0.0, raised_rate=0.0)
    with django_capture_on_commit_callbacks(execute=True):
        contact = start_contact(
            user=None, channel="web", partner=partnership.south, customer=consenting
        )
        end_contact(contact=contact, outcome="resolved")
    assert not SurveyInvitation.objects.exists()
    assert not Notification.objects.exists()


def test_a_closed_request_invites_through_the_request_notifications(
    partnership, django_capture_on_commit_callbacks
):
    customer = create_customer(
        user=None,
        partner=partnership.county,
        family_name="Hole",
        emails=["hole@example.org"],
        consents=["surveys"],
    )
    sampling.default_rule()
    SamplingRule.objects.filter(queue__isnull=True).update(base_rate=1.0, raised_rate=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        request = raise_request(
            user=partnership.hub_adviser,
            service=partnership.pothole,
            channel="web",
            location=clean_location(postcode="WX1 1AA"),
            attributes={"depth": "deep"},
            customer=customer,
        )
        change_status(
            user=partnership.highways_officer, request=request, status="closed", outcome="fixed"
        )
    invitation = SurveyInvitation.objects.get(service_request=request)
    survey_mail = [m for m in mail.outbox if invitation.token in m.body]
    assert len(survey_mail) == 1 and survey_mail[0].subject == "How did we do?"
    assert invitation.sent_by == "email"


# --- The survey page ------------------------------------------------------------------------


@pytest.fixture
def invitation(partnership, resident):
    contact = start_contact(
        user=None, channel="phone", partner=partnership.south, customer=resident
    )
    contact.reasons.add(partnership.missed_bin)
    now = timezone.now()
    return SurveyInvitation.objects.create(
        contact=contact,
        partner=partnership.south,
        channel="phone",
        rate=0.1,
        created_at=now,
        expires_at=now + dt.timedelta(days=28),
    )


def test_survey_form_needs_no_login_and_shows_errors(client, invitation):
    url = f"/insight/survey/{invitation.token}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Overall, how satisfied were you" in html
    assert 'for="id_score_0"' in html  # every radio has a label
    page = client.post(url, {"comment": "x" * 2001})
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "Select how satisfied you were" in html
    assert "2,000 characters or fewer" in html
    assert "<title>Error:" in html
    assert not SatisfactionResponse.objects.exists()


def test_survey_answer_is_recorded_once(client, invitation, partnership):
    url = f"/insight/survey/{invitation.token}/"
    response = client.post(url, {"score": "4", "resolved": "yes", "comment": " Quick, thanks "})
    assert response.status_code == 302 and response["Location"] == url
    answer = SatisfactionResponse.objects.get()
    assert (answer.score, answer.resolved, answer.comment) == (4, "yes", "Quick, thanks")
    assert answer.partner == partnership.south and answer.service == partnership.missed_bin
    assert "We have your answers" in client.get(url).content.decode()
    client.post(url, {"score": "1"})
    assert SatisfactionResponse.objects.get().score == 4


def test_survey_links_expire_and_unknown_tokens_are_not_found(client, invitation):
    assert client.get("/insight/survey/not-a-token/").status_code == 404
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = client.get(f"/insight/survey/{invitation.token}/")
    assert response.status_code == 410
    assert "This survey has closed" in response.content.decode()
