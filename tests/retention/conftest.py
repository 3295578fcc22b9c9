"""Retention fixtures: the test partnership's data protection officers, old and recent
records for the county, and photos in a temporary MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from firstcontact.contacts.services import end_contact, start_contact
from firstcontact.customers.services import create_customer
from firstcontact.notify.models import Notification
from firstcontact.partners.models import Role
from firstcontact.servicerequests.models import RequestPhoto
from firstcontact.servicerequests.services import (
    add_update,
    change_status,
    clean_location,
    raise_request,
)
from tests.conftest import make_user

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dpos(partnership):
    return SimpleNamespace(
        county=make_user("county-dpo", partnership.county, Role.DATA_PROTECTION_OFFICER),
        police=make_user("police-dpo", partnership.police, Role.DATA_PROTECTION_OFFICER),
        partnership=make_user("partnership-dpo", partnership.county, Role.PARTNERSHIP_DPO),
    )


def ago(**kwargs) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def resident(partnership, family="Ambleside", given="Harriet", partner=None):
    return create_customer(
        user=None,
        partner=partner or partnership.county,
        given_name=given,
        family_name=family,
        phones=["0113 496 0456"],
        emails=[f"{given.lower()}@example.org"],
        addresses=[{"line1": "4 Mill Lane", "town": "Northby", "postcode": "WX2 1AA"}],
    )


def contact(partnership, customer, *, when, notes="Rang about her bins", outcome="resolved"):
    made = start_contact(
        user=partnership.hub_adviser,
        channel="phone",
        partner=partnership.county,
        customer=customer,
        started_at=when,
    )
    return end_contact(
        contact=made, outcome=outcome, notes=notes, ended_at=when + dt.timedelta(minutes=4)
    )


def closed_pothole(partnership, customer, *, when, closed_after=dt.timedelta(days=2)):
    """A pothole report at the resident's house, raised at `when`, with a photo, a public
    update naming the resident, a message sent, and closed a little later."""
    sr = raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX2 1AA", address="4 Mill Lane, Northby"),
        attributes={"depth": "deep"},
        customer=customer,
        description="Harriet says the hole outside 4 Mill Lane tripped her",
        created_at=when,
    )
    add_update(
        user=partnership.highways_officer,
        request=sr,
        text="Spoke to Harriet Ambleside on 0113 496 0456",
        public=False,
    )
    photo = RequestPhoto(request=sr, content_type="image/png", size=len(PNG), uploaded_at=when)
    photo.file.save("photo.png", ContentFile(PNG), save=False)
    photo.save()
    Notification.objects.create(
        channel="email",
        recipient="harriet@example.org",
        subject="Your report",
        body="Dear Harriet, thank you",
        status="sent",
        created_at=when,
        service_request=sr,
    )
    sr.refresh_from_db()
    return change_status(
        user=partnership.highways_officer,
        request=sr,
        status="closed",
        outcome="fixed",
        text="Fixed",
        at=when + closed_after,
    )
