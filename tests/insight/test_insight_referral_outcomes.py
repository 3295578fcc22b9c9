"""Insight counts referral outcomes and their time to feedback (issue 17, item 3), for the
partners the user acts for only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from tests.desk.conftest import raise_pothole

from firstcontact.servicerequests.models import Referral
from firstcontact.servicerequests.referrals import (
    give_feedback,
    respond_to_referral,
    withdraw_referral,
)
from firstcontact.servicerequests.services import refer_request


def _refer(p, reason="Needs a joint visit"):
    return refer_request(
        user=p.highways_officer,
        request=raise_pothole(p),
        to_partner=p.police,
        to_team=p.asb_team,
        reason=reason,
    )


def test_outcomes_and_time_to_feedback_are_counted(client, partnership):
    p = partnership
    done, declined, withdrawn, _open = (_refer(p) for _ in range(4))
    respond_to_referral(user=p.police_officer, referral=done, state="completed", outcome="Done")
    respond_to_referral(user=p.police_officer, referral=declined, state="declined", outcome="No")
    withdraw_referral(
        user=p.highways_officer, request=withdrawn.request, referral_id=withdrawn.pk, reason="Oops"
    )
    # All made on the 15th of last month; the police took two days over one answer and four
    # over the other.
    first = timezone.localdate().replace(day=1)
    made = timezone.make_aware(
        dt.datetime.combine((first - dt.timedelta(days=1)).replace(day=15), dt.time(10))
    )
    Referral.objects.update(created_at=made)
    Referral.objects.filter(pk=done.pk).update(answered_at=made + dt.timedelta(days=2))
    Referral.objects.filter(pk=declined.pk).update(answered_at=made + dt.timedelta(days=4))
    give_feedback(
        user=p.highways_officer, request=done.request, referral_id=done.pk, text="", publish=False
    )
    month = f"{made:%Y-%m}"
    client.force_login(p.highways_lead)
    response = client.get(f"/insight/referrals/?month={month}&format=csv&table=referral-outcomes")
    assert response.status_code == 200
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("Referred by,Referred to,Sent,Completed,Declined,Still open")
    # sent 4, completed 1, declined 1, open 1, withdrawn 1, median 3.0 days, 1 awaiting update
    line = rows[1].split(",")
    assert line[:7] == ["Wessex County Council", "Wessex Police", "4", "1", "1", "1", "1"]
    assert float(line[7]) == 3.0
    assert line[8] == "1"
    page = client.get(f"/insight/referrals/?month={month}").content.decode()
    assert "Referral outcomes" in page and "Wessex Police" in page


def test_a_partner_not_party_to_the_referrals_sees_none(client, partnership):
    from tests.conftest import make_user

    p = partnership
    _refer(p)
    south_lead = make_user("south-lead", p.south, "team_leader", p.south_waste)
    client.force_login(south_lead)
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(f"/insight/referrals/?month={month}").content.decode()
    assert "Wessex Police" not in page
    client.force_login(p.highways_lead)
    assert "Wessex Police" in client.get(f"/insight/referrals/?month={month}").content.decode()
    client.force_login(p.highways_officer)  # a caseworker: insight is not theirs
    assert client.get("/insight/referrals/").status_code == 403
