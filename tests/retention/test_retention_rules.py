"""Retention rules in the admin: one per partner and kind, actions that keep insight's
figures whole, partnership-wide kinds without a partner, and the defaults in place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from firstcontact.retention.models import RetentionRule, period_before


def test_the_partnership_defaults_are_in_place(db):
    rules = {r.kind: (r.amount, r.unit, r.action) for r in RetentionRule.objects.partnership()}
    assert rules["contacts"] == (2, "years", "anonymise")
    assert rules["closed_requests"] == (6, "years", "anonymise")
    assert rules["photos"] == (1, "years", "delete")
    assert rules["abandoned_uploads"] == (24, "hours", "delete")
    assert rules["audit_events"] == (6, "years", "delete")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "contacts", "action": "delete"}, "action", "insight"),
        ({"kind": "closed_requests", "action": "delete"}, "action", "insight"),
        ({"kind": "photos", "action": "anonymise"}, "action", "only be deleted"),
        (
            {"kind": "audit_events", "action": "delete", "partner": "county"},
            "partner",
            "no partner",
        ),
        ({"kind": "abandoned_uploads", "action": "delete", "partner": "county"}, "partner", ""),
        ({"kind": "audit_events", "action": "delete", "amount": 3, "unit": "months"}, "amount", ""),
        ({"kind": "contacts", "action": "anonymise", "amount": 500, "unit": "years"}, "amount", ""),
        ({"kind": "contacts", "action": "anonymise", "amount": 0}, "amount", ""),
    ],
)
def test_rules_that_make_no_sense_are_refused(partnership, fields, field, message):
    values = {"amount": 2, "unit": "years", **fields}
    if values.get("partner") == "county":
        values["partner"] = partnership.county
    with pytest.raises(ValidationError) as caught:
        RetentionRule(**values).full_clean()
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])


def test_one_rule_per_partner_and_kind(partnership):
    RetentionRule(partner=partnership.police, kind="contacts", amount=1, unit="years").full_clean()
    RetentionRule.objects.create(partner=partnership.police, kind="contacts", amount=1)
    with pytest.raises(ValidationError, match="already has a rule"):
        RetentionRule(partner=partnership.police, kind="contacts", amount=3).full_clean()
    with pytest.raises(ValidationError, match="already has a rule"):
        RetentionRule(partner=None, kind="contacts", amount=3).full_clean()


def test_months_and_years_are_calendar_ones():
    moment = timezone.make_aware(dt.datetime(2026, 3, 31, 12, 0))
    assert period_before(moment, 1, "months").date() == dt.date(2026, 2, 28)
    assert period_before(moment, 2, "years").date() == dt.date(2024, 3, 31)
    assert period_before(moment, 24, "hours") == moment - dt.timedelta(days=1)


def test_the_partnership_admin_manages_rules_and_holds(client, partnership):
    client.force_login(partnership.admin)
    for path in (
        "/admin/retention/retentionrule/",
        "/admin/retention/retentionrule/add/",
        "/admin/retention/legalhold/",
        "/admin/retention/legalhold/add/",
    ):
        assert client.get(path).status_code == 200, path
    # Erasure requests are the DPOs' case work (/dpo/erasure/), not the administrator's.
    assert client.get("/admin/retention/erasurerequest/").status_code == 403
    response = client.post(
        "/admin/retention/retentionrule/add/",
        {
            "partner": partnership.police.pk,
            "kind": "contacts",
            "amount": 7,
            "unit": "years",
            "action": "delete",
            "notes": "",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "insight" in response.content.decode()
    assert not RetentionRule.objects.filter(partner=partnership.police).exists()
