"""The demo shows retention and erasure: the schedule, a legal hold, two erasure requests on
the county DPO's page, and a dry run that changes nothing."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

from firstcontact.retention.models import ErasureRequest, LegalHold, RetentionRule


def test_the_demo_has_a_schedule_a_hold_and_erasure_requests(db, client):
    call_command("load_demo", people=60, no_progress=True, calls=False, stdout=StringIO())

    assert RetentionRule.objects.filter(partner__slug="egdon-homes", kind="notifications")
    assert RetentionRule.objects.partnership().count() == 7
    assert LegalHold.objects.active().count() == 1
    erasures = ErasureRequest.objects.order_by("received_on")
    assert [e.status for e in erasures] == ["refused", "received"]

    client.force_login(User.objects.get(username="dpo"))
    page = client.get("/dpo/erasure/").content.decode()
    for erasure in erasures:
        assert f'href="/dpo/erasure/{erasure.pk}/"' in page
    held = client.get(f"/dpo/erasure/{erasures[0].pk}/").content.decode()
    assert "A legal hold applies" in held

    out = StringIO()
    call_command("apply_retention", "--dry-run", "--no-progress", stdout=out)
    assert "Contacts (with their callbacks), partnership default" in out.getvalue()
    assert "Emails and text messages sent, Egdon Homes" in out.getvalue()
