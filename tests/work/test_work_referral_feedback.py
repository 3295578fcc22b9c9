"""Referral feedback (issue 17, item 3): when the partner completes or declines a referral,
the officer who owns the request is alerted and the responsible team is prompted with a
public update drafted from the outcome, sent to the resident only where they agreed to hear
back; a referral sent in error can be withdrawn by the referrer, and the partner's access
ends with it."""

from __future__ import annotations

import pytest

from firstcontact.customers.services import record_consent
from firstcontact.notify.models import Notification
from firstcontact.servicerequests.models import Referral, RequestUpdate
from firstcontact.servicerequests.services import refer_request
from tests.desk.conftest import raise_pothole, resident  # noqa: F401 - shared fixture


@pytest.fixture
def referral(partnership, resident):  # noqa: F811
    p = partnership
    for user, email in [(p.highways_officer, "highways@county.example"), (p.police_officer, "")]:
        user.email = email
        user.save()
    record_consent(user=None, customer=resident, purpose="share_with_partners", recipient=p.police)
    request = raise_pothole(p, resident)
    return refer_request(
        user=p.highways_officer,
        request=request,
        to_partner=p.police,
        to_team=p.asb_team,
        reason="Youths damaging the road at night",
    )


def answer(client, partnership, referral, state, outcome=""):
    client.force_login(partnership.police_officer)
    prefix = f"referral{referral.pk}"
    client.post(
        f"/work/requests/{referral.request.reference}/referrals/{referral.pk}/",
        {f"{prefix}-state": state, f"{prefix}-outcome": outcome},
    )
    referral.refresh_from_db()


def post(client, sr, action, data, **extra):
    sr.refresh_from_db()
    payload = {f"{action}-{k}": v for k, v in data.items()}
    payload[f"{action}-version"] = sr.version
    payload.update(extra)
    return client.post(f"/work/requests/{sr.reference}/{action}/", payload)


def test_completion_alerts_the_owner_and_prompts_a_drafted_update(client, partnership, referral):
    sr = referral.request
    answer(client, partnership, referral, "completed", "Patrols added; two youths spoken to")
    assert referral.state == "completed" and referral.answered_at is not None
    alert = Notification.objects.get(recipient="highways@county.example")
    assert "Referral completed by Wessex Police" in alert.subject
    assert sr.formatted_reference in alert.subject
    # The alert says where to look, not what the partner wrote.
    assert "Patrols added" not in alert.body

    client.force_login(partnership.highways_officer)
    page = client.get(f"/work/requests/{sr.reference}/").content.decode()
    assert "Tell the resident: Wessex Police completed the referral" in page
    assert "They told us: Patrols added; two youths spoken to" in page
    # The resident has not agreed to hear from us: the update is shown, not sent.
    assert "has not agreed to hear from us" in page

    response = post(
        client,
        sr,
        "referral_feedback",
        {"referral": referral.pk, "text": "The police have added patrols on your road."},
    )
    assert response.status_code == 302
    update = RequestUpdate.objects.filter(request=sr, public=True).latest("created_at")
    assert update.text == "The police have added patrols on your road."
    assert not Notification.objects.filter(
        recipient="harriet@example.org", body__contains="added patrols"
    ).exists()
    referral.refresh_from_db()
    assert referral.feedback_at is not None
    page = client.get(f"/work/requests/{sr.reference}/").content.decode()
    assert "Tell the resident:" not in page
    assert "The police have added patrols on your road." in page
    # Once only: a second post of the same prompt is refused, nothing more published.
    page = post(
        client, sr, "referral_feedback", {"referral": referral.pk, "text": "Again"}
    ).content.decode()
    assert "already been told" in page
    assert not RequestUpdate.objects.filter(request=sr, text="Again").exists()


def test_the_update_is_sent_where_the_resident_agreed_to_hear_back(
    client,
    partnership,
    referral,
    resident,  # noqa: F811
):
    record_consent(user=None, customer=resident, purpose="email_updates")
    answer(client, partnership, referral, "declined", "Not a police matter: no crime reported")
    client.force_login(partnership.highways_officer)
    page = client.get(f"/work/requests/{referral.request.reference}/").content.decode()
    assert "Wessex Police are not able to help with this part of your request" in page
    assert "agreed to hear from us: the update is shown when they track" in page
    post(
        client,
        referral.request,
        "referral_feedback",
        {"referral": referral.pk, "text": "The police cannot help; we will keep you posted."},
    )
    assert Notification.objects.filter(
        recipient="harriet@example.org", body__contains="The police cannot help"
    ).exists()


def test_no_update_needed_clears_the_prompt_without_telling_the_resident(
    client, partnership, referral
):
    answer(client, partnership, referral, "declined", "Wrong team")
    client.force_login(partnership.highways_officer)
    before = RequestUpdate.objects.filter(request=referral.request, public=True).count()
    post(client, referral.request, "referral_feedback", {"referral": referral.pk}, skip="1")
    referral.refresh_from_db()
    assert referral.feedback_at is not None
    assert RequestUpdate.objects.filter(request=referral.request, public=True).count() == before
    assert RequestUpdate.objects.filter(
        request=referral.request, public=False, text__startswith="No update to the resident"
    ).exists()


def test_an_empty_update_is_an_error_not_a_500(client, partnership, referral):
    answer(client, partnership, referral, "completed", "Done")
    client.force_login(partnership.highways_officer)
    response = post(client, referral.request, "referral_feedback", {"referral": referral.pk})
    assert response.status_code == 200
    assert "Enter the update for the resident." in response.content.decode()
    # A referral id that is not this request's is refused, not a crash.
    response = post(
        client, referral.request, "referral_feedback", {"referral": 999999, "text": "x"}
    )
    assert response.status_code == 200
    assert "has not been answered" in response.content.decode()


def test_the_referred_partner_cannot_publish_to_the_resident(client, partnership, referral):
    answer(client, partnership, referral, "accepted")
    response = post(client, referral.request, "referral_feedback", {"referral": referral.pk})
    assert response.status_code == 403
    response = post(
        client, referral.request, "withdraw_referral", {"referral": referral.pk, "reason": "x"}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.state == "accepted"


def test_withdrawing_a_referral_sent_in_error(client, partnership, referral):
    p = partnership
    p.asb_team.email = "asb@police.example"
    p.asb_team.save()
    sr = referral.request
    client.force_login(p.police_officer)
    assert client.get(f"/work/requests/{sr.reference}/").status_code == 200

    client.force_login(p.highways_officer)
    page = client.get(f"/work/requests/{sr.reference}/").content.decode()
    assert "Withdraw the referral to Wessex Police (sent in error)" in page
    page = post(client, sr, "withdraw_referral", {"referral": referral.pk}).content.decode()
    assert "Say why you are withdrawing it." in page
    response = post(
        client, sr, "withdraw_referral", {"referral": referral.pk, "reason": "Wrong partner"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.WITHDRAWN
    told = Notification.objects.get(recipient="asb@police.example", subject__contains="withdrawn")
    assert "sent in error" in told.body
    page = client.get(f"/work/requests/{sr.reference}/").content.decode()
    assert "Referral to Wessex Police withdrawn: Wrong partner" in page
    assert "Withdraw the referral to" not in page
    # The partner's access ends with it, and it cannot be answered any more.
    client.force_login(p.police_officer)
    assert client.get(f"/work/requests/{sr.reference}/").status_code == 404
    # Nor withdrawn twice.
    client.force_login(p.highways_officer)
    page = post(
        client, sr, "withdraw_referral", {"referral": referral.pk, "reason": "Again"}
    ).content.decode()
    assert "cannot be withdrawn" in page
