"""Data protection officers and a person two partners hold: the county's record and South
Wessex's, linked, each with a request (public and internal notes), a consent in the person's
words, a photo, and views in the audit trail."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from firstcontact.customers.models import Consent, ConsentPurpose, CustomerLink
from firstcontact.customers.selectors import get_customer
from firstcontact.customers.services import create_customer
from firstcontact.partners.models import Role
from firstcontact.privacy.services import log_subject_access_request
from firstcontact.servicerequests.models import RequestPhoto, RequestUpdate, UpdateKind
from firstcontact.servicerequests.services import clean_location, raise_request
from tests.conftest import make_user


def internal_note(request, text: str) -> RequestUpdate:
    return RequestUpdate.objects.create(
        request=request, kind=UpdateKind.NOTE, status=request.status, public=False, text=text
    )


def public_update(request, text: str) -> RequestUpdate:
    return RequestUpdate.objects.create(
        request=request, kind=UpdateKind.NOTE, status=request.status, public=True, text=text
    )


@pytest.fixture
def dpos(partnership):
    return SimpleNamespace(
        county=make_user("county-dpo", partnership.county, Role.DATA_PROTECTION_OFFICER),
        partnership=make_user("the-partnership-dpo", partnership.county, Role.PARTNERSHIP_DPO),
    )


@pytest.fixture
def person(partnership, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county_record = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        date_of_birth=dt.date(1950, 3, 4),
        emails=["harriet.ambleside@example.org"],
        phones=["0114 496 0111"],
    )
    south_record = create_customer(
        user=None,
        partner=partnership.south,
        given_name="Harriet",
        family_name="Ambleside",
        date_of_birth=dt.date(1950, 3, 4),
        phones=["0114 496 0222"],
    )
    CustomerLink.objects.create(from_customer=south_record, to_customer=county_record)
    # Same email, not linked: a record the DPO may tick in as the same person.
    unlinked = create_customer(
        user=None,
        partner=partnership.county,
        given_name="H",
        family_name="Ambleside-Smith",
        emails=["harriet.ambleside@example.org"],
    )
    now = timezone.now()
    Consent.objects.create(
        customer=county_record,
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
        recipient=partnership.south,
        given_at=now,
        how="County wording: yes, share my details with South Wessex",
    )
    Consent.objects.create(
        customer=south_record,
        purpose=ConsentPurpose.EMAIL_UPDATES,
        given_at=now,
        how="South wording: email me about my bins",
    )
    pothole = raise_request(
        user=partnership.highways_officer,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX3 4AB"),
        customer=county_record,
        description="Deep pothole outside number 4",
        attributes={"depth": "deep"},
    )
    bin_request = raise_request(
        user=partnership.south_caseworker,
        service=partnership.missed_bin,
        channel="phone",
        location=clean_location(postcode="WX3 4AB"),
        customer=south_record,
        description="Bin missed again",
    )
    assert pothole.responsible_partner == partnership.county
    assert bin_request.responsible_partner == partnership.south
    internal_note(pothole, "County internal: caller sounded distressed")
    public_update(pothole, "County public: repair booked")
    internal_note(bin_request, "South internal: third missed bin this month")
    photo = RequestPhoto(request=pothole, content_type="image/png", size=8)
    photo.file.save("pothole.png", ContentFile(b"\x89PNG-ish"), save=True)
    get_customer(partnership.highways_officer, county_record.pk, purpose="single view")
    get_customer(partnership.south_caseworker, south_record.pk, purpose="single view")
    return SimpleNamespace(
        county=county_record,
        south=south_record,
        unlinked=unlinked,
        pothole=pothole,
        bin_request=bin_request,
        photo=photo,
    )


@pytest.fixture
def sar(person, dpos):
    return log_subject_access_request(
        user=dpos.county,
        customer=person.county,
        received_on=timezone.localdate() - dt.timedelta(days=3),
        requester="Harriet Ambleside",
        identity_check="Passport seen at the county office",
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def read_zip(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def kind(files: dict[str, bytes], name: str) -> list[dict]:
    return json.loads(files[f"{name}.json"])
