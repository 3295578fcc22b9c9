"""The demo's directory: a few hundred services and organisations across the partners and
local charities, at the demo's postcodes, whose centroids are loaded for proximity search."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from firstcontact.catalogue.models import Service as CatalogueService
from firstcontact.directory import spec
from firstcontact.directory.models import Location, Organization, Postcode, Service, TaxonomyTerm

LGSL_CSV = (
    Path(__file__).resolve().parents[3] / "shared/data/lgsl-local-services/local_services.csv"
)
API = "/openreferral/v3"


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", people=30, no_progress=True, calls=False, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_loaded_once, db):
    return None


def test_a_few_hundred_services_and_organisations(demo):
    assert Service.objects.count() >= 250
    assert Organization.objects.count() >= 40
    partners = Organization.objects.filter(partner__isnull=False)
    assert partners.count() == 7
    # Every public catalogue service is in the directory under its own name; no private one.
    public = CatalogueService.objects.filter(active=True, private=False)
    assert Service.objects.filter(catalogue_service__in=public).count() == public.count()
    assert not Service.objects.filter(catalogue_service__private=True).exists()
    # Every place is on a demo postcode whose centroid is loaded.
    postcodes = set(Postcode.objects.values_list("postcode", flat=True))
    assert postcodes and set(Location.objects.values_list("postcode", flat=True)) <= postcodes


def test_the_demo_directory_is_valid_oruk_and_searchable_by_place(client, demo):
    page = client.get(f"{API}/services", {"full": "true", "per_page": 40}).json()
    assert not spec.errors("service_list", page)
    for item in page["contents"]:
        assert not spec.errors("service", item), item["id"]
    # Near a demo postcode: places within 5 km, nearest first.
    postcode = Location.objects.filter(name__contains="Food Bank").first().postcode
    near = client.get(
        f"{API}/service_at_locations", {"postcode": postcode, "proximity": 5000, "per_page": 100}
    ).json()
    assert near["total_items"] > 0
    distances = [item["distance"] for item in near["contents"]]
    assert distances == sorted(distances) and distances[-1] <= 5000
    assert not spec.errors("service_at_location_list", near)


def test_lgsl_terms_are_real_lgsl_codes(demo):
    if not LGSL_CSV.exists():
        pytest.skip("../shared/data/lgsl-local-services is not here")
    with LGSL_CSV.open() as handle:
        codes = {row["LGSL"] for row in csv.DictReader(handle)}
    terms = TaxonomyTerm.objects.filter(taxonomy__name="LGSL")
    assert terms.exists()
    missing = sorted(set(terms.values_list("code", flat=True)) - codes)
    assert not missing, f"LGSL codes not in the LGSL list: {missing}"


def test_a_demo_welcome_pack_lists_every_section(demo):
    """Every section has something near each demo town's district (GP surgeries, schools,
    libraries, leisure, recycling, councillors' surgeries, bins, key services)."""
    from firstcontact.directory.welcome import SECTIONS, create_pack, sections
    from firstcontact.partners.geography import Location as Place

    for district in ("WX1", "WX5", "WX9"):
        postcode = Postcode.objects.filter(postcode__startswith=f"{district} ").first().postcode
        pack = create_pack(Place(postcode=postcode))
        found = {s.code: s.results for s in sections(pack)}
        assert set(found) == {code for code, _title, _limit in SECTIONS}, district
        assert all(f.distance_m is not None for f in found["gp"])


def test_the_demo_directory_editor_has_stale_entries_to_check(client, demo):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="directory-editor"))
    page = client.get("/directory-editor/").content.decode()
    assert "past review or never checked" in page
    stale = client.get("/directory-editor/stale/").content.decode()
    assert "Overdue" in stale and "Not checked" in stale


def test_the_demo_directory_editor_keeps_the_countys_organisation_and_places(client, demo):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="directory-editor"))
    county = Organization.objects.get(partner__slug="wessex-county")
    page = client.get("/directory-editor/").content.decode()
    assert f'href="/directory-editor/organisations/{county.pk}/"' in page
    assert f'href="/directory-editor/organisations/{county.pk}/new-service/"' in page
    page = client.get(f"/directory-editor/organisations/{county.pk}/").content.decode()
    assert county.name in page and "Its services" in page
    # An entry at one of the county's own places describes it in a fieldset of its own.
    entry = Service.objects.filter(
        organization=county, at_locations__location__organization=county
    ).first()
    place = entry.at_locations.filter(location__organization=county).first().location
    page = client.get(f"/directory-editor/services/{entry.pk}/").content.decode()
    assert f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{place.name}' in page
    assert f'name="accessibility_{place.pk.hex}"' in page
    # ...and the editor can change that place, seeing which entries share it, or add another.
    from django.utils.html import escape

    change = f"/directory-editor/services/{entry.pk}/places/{place.pk}/"
    assert f'href="{change}"' in page and f'href="{change}remove/"' in page
    assert f'href="/directory-editor/services/{entry.pk}/places/new/"' in page
    page = client.get(change).content.decode()
    assert "Changing this place changes it for" in page and escape(entry.display_name) in page
