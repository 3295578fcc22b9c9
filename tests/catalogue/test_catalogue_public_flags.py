"""Whether a service's requests are public, how precisely their place is shown and whether a
reporting client may send it: the admin shows and filters them, and the migrations that
added them set them for existing services and requests."""

from __future__ import annotations

import importlib

from django.apps import apps

from firstcontact.catalogue.models import PublicLocation, Service, ServiceKind
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.references import new_reference

catalogue_migration = importlib.import_module(
    "firstcontact.catalogue.migrations.0004_service_public_requests_and_open311"
)
requests_migration = importlib.import_module(
    "firstcontact.servicerequests.migrations.0004_request_description_public"
)


def test_new_services_are_private_and_off_open311(db):
    service = Service.objects.create(code="x", name="X", kind=ServiceKind.FAULT_REPORT)
    assert not service.requests_public and not service.open311_reportable
    assert service.public_location == PublicLocation.STREET


def test_existing_street_faults_are_made_public_by_the_migration(partnership):
    partnership.pothole.requests_public = partnership.missed_bin.requests_public = False
    partnership.pothole.save()
    partnership.missed_bin.save()
    care = Service.objects.create(
        code="care", name="Care assessment", kind=ServiceKind.REFERRAL, lgsl_code=557
    )
    catalogue_migration.mark_street_faults_public(apps, None)
    pothole, missed_bin, asb = (
        Service.objects.get(pk=s.pk)
        for s in (partnership.pothole, partnership.missed_bin, partnership.asb)
    )
    assert pothole.requests_public and pothole.open311_reportable
    assert pothole.public_location == PublicLocation.POINT
    assert missed_bin.requests_public and missed_bin.public_location == PublicLocation.STREET
    assert not asb.requests_public and not asb.open311_reportable
    care.refresh_from_db()
    assert not care.requests_public  # an LGSL code alone does not make a referral public


def test_existing_requests_descriptions_are_public_only_for_residents_own_reports(partnership):
    Service.objects.filter(pk=partnership.pothole.pk).update(requests_public=True)

    def make(service, channel, raised_by=None):
        return ServiceRequest.objects.create(
            reference=new_reference(),
            service=service,
            channel=channel,
            responsible_partner=partnership.county,
            description="words",
            raised_by=raised_by,
        )

    web = make(partnership.pothole, "web")
    open311 = make(partnership.pothole, "open311")
    phone = make(partnership.pothole, "phone", partnership.hub_adviser)
    staff_web = make(partnership.pothole, "web", partnership.hub_adviser)
    asb = make(partnership.asb, "web")
    requests_migration.residents_own_reports_public(apps, None)
    public = set(
        ServiceRequest.objects.filter(description_public=True).values_list("pk", flat=True)
    )
    assert public == {web.pk, open311.pk}
    assert {phone.pk, staff_web.pk, asb.pk}.isdisjoint(public)


def test_the_admin_lists_and_filters_the_flags(client, partnership):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(admin)
    page = client.get("/admin/catalogue/service/").content.decode()
    assert "Requests are public" in page and "Reportable through Open311" in page
    Service.objects.filter(pk=partnership.pothole.pk).update(requests_public=True)
    page = client.get("/admin/catalogue/service/", {"requests_public__exact": "1"}).content.decode()
    assert "Pothole" in page and "Antisocial behaviour" not in page
    form = client.get(f"/admin/catalogue/service/{partnership.pothole.pk}/change/").content.decode()
    assert 'name="public_location"' in form and "never a house number" in form.lower()
