"""The demo shows the front door: Harriet Ambleside's proven email joins her record, and she
can see her consents with a one-time code."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from firstcontact.customers.front_door import verified_customer
from firstcontact.customers.models import CustomerEmail


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", people=60, calls=False, no_progress=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_has_verified_contact_points_the_front_door_joins(
    _demo, db, django_capture_on_commit_callbacks
):
    harriet = CustomerEmail.objects.get(address="harriet.ambleside@example.org").customer
    assert not harriet.emails.filter(verified_at__isnull=True).exists()
    assert not harriet.phones.filter(verified_at__isnull=True).exists()
    assert verified_customer(harriet.partner, email="Harriet.Ambleside@example.org") == harriet
    others = CustomerEmail.objects.exclude(customer=harriet)
    assert others.filter(verified_at__isnull=False).exists()
    assert others.filter(verified_at__isnull=True).exists()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/your-consents/", {"contact": "harriet.ambleside@example.org"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post("/your-consents/code/", {"code": code})["Location"] == "/your-consents/list/"
    assert "Your consents" in client.get("/your-consents/list/").content.decode()
