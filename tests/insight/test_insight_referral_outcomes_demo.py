"""The demo's referrals have outcomes: partners complete or decline them some days after they
are sent, and most answers are passed on to the resident, so insight's referral outcomes page
has figures in `make run`."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from tests.insight.insight_helpers import csv_rows

from firstcontact.servicerequests.models import Referral


@pytest.mark.django_db
def test_the_demo_has_answered_referrals_with_times_to_feedback(client):
    call_command("load_demo", people=600, no_progress=True, calls=False, stdout=io.StringIO())
    answered = Referral.objects.filter(state__in=["completed", "declined"])
    assert answered.filter(state="completed").exists() and answered.filter(state="declined")
    assert not answered.filter(answered_at__isnull=True).exists()
    assert all(r.answered_at > r.created_at for r in answered)
    assert answered.filter(feedback_at__isnull=True).exists()  # some still to pass on
    assert answered.filter(feedback_at__isnull=False).exists()

    client.force_login(get_user_model().objects.get(username="admin"))
    month = answered.order_by("-created_at").first().created_at
    rows = csv_rows(
        client.get(
            "/insight/referrals/",
            {"month": f"{month:%Y-%m}", "format": "csv", "table": "referral-outcomes"},
        )
    )
    lines = [r for r in rows if r["Referred by"] != "All"]
    assert any(r["Median days to feedback"] not in ("", "0") for r in lines)
    total = rows[-1]
    assert int(total["Completed"]) + int(total["Declined"]) >= 1
