"""The welcome pack: a "moving in" bundle sends the new resident a link to the directory's
services around their new postcode district (nearest first, with distance and opening times),
in their language; the link is random, expires, and the pack keeps only the district. And the
service page's map: the places' coordinates for Leaflet, the addresses in words beside it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from firstcontact.directory.models import (
    Attribute,
    LinkType,
    Organization,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    WelcomePack,
)
from firstcontact.directory.welcome import TERMS, WELCOME_TAXONOMY, create_pack
from firstcontact.lifeevents.services import Informant, raise_bundle, template_items
from firstcontact.notify.models import Notification
from firstcontact.partners.geography import Location
from tests.directory.conftest import CENTRE, place
from tests.portal.fixtures import build_portal_data

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/welcome/([A-Za-z0-9_-]{40,})/)")
NEW_HOME = Location(postcode="WX1 2AB", address="9 New Road")


@pytest.fixture
def pack_world(partnership):
    """A GP surgery 500 m from WX1's centre and one 60 km away, the bin collections covering
    WX1 by their area (no place), and a library tagged nowhere near."""
    portal = build_portal_data(partnership)
    Postcode.objects.create(postcode="WX1 1AA", latitude=CENTRE[0], longitude=CENTRE[1])
    taxonomy = Taxonomy.objects.create(name=WELCOME_TAXONOMY)
    terms = {
        code: TaxonomyTerm.objects.create(taxonomy=taxonomy, code=code, name=name)
        for code, name, _text in TERMS
    }
    surgery = Organization.objects.create(name="Corn Exchange Surgery")
    gp = Service.objects.create(organization=surgery, name="Corn Exchange Surgery")
    at = ServiceAtLocation.objects.create(
        service=gp, location=place("Corn Exchange", 500, "WX1 1AB")
    )
    Schedule.objects.create(
        service_at_location=at,
        freq="WEEKLY",
        byday="MO,WE,FR",
        opens_at=dt.time(8),
        closes_at=dt.time(18),
    )
    far = Service.objects.create(organization=surgery, name="Sherton Surgery")
    ServiceAtLocation.objects.create(service=far, location=place("Sherton", 60_000, "WX9 9ZZ"))
    bins = Service.objects.create(organization=surgery, name="Household bin collections")
    ServiceArea.objects.create(service=bins, extent="WX1,WX2", extent_type="postcode_districts")
    for service, code in [(gp, "gp"), (far, "gp"), (bins, "bins")]:
        Attribute.objects.create(
            taxonomy_term=terms[code], link_entity=LinkType.SERVICE, link_id=service.pk
        )
    return portal


def move_in(portal, **overrides):
    kwargs = dict(
        life_event=portal.moving_in,
        items=template_items(portal.moving_in),
        location=NEW_HOME,
        answers={"moving_date": "2026-11-02", "adults": 2},
        informant=Informant(given_name="Sam", family_name="Newcomer", email="sam@example.org"),
        consent=True,
        consent_wording="I agree.",
    )
    kwargs.update(overrides)
    return raise_bundle(**kwargs)


def welcome_message() -> Notification:
    return Notification.objects.get(subject__in=["Welcome to your new home", "Witamy w nowym domu"])


def test_moving_in_sends_a_link_to_the_pack(pack_world):
    portal = pack_world
    move_in(portal)
    message = welcome_message()
    assert message.channel == "email" and message.recipient == "sam@example.org"
    path, token = LINK.search(message.body).groups()
    pack = WelcomePack.objects.get()
    assert pack.token == token and pack.district == "WX1"
    # Nothing of the address is kept: only the district and its centre.
    kept = " ".join(str(getattr(pack, f.attname)) for f in WelcomePack._meta.fields)
    assert "2AB" not in kept and "New Road" not in kept and "Newcomer" not in kept
    assert pack.expires_at - pack.created_at == dt.timedelta(days=90)


def test_the_pack_lists_the_nearest_services_by_section(pack_world):
    portal = pack_world
    move_in(portal)
    path, _token = LINK.search(welcome_message().body).groups()
    response = Client().get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    assert "Welcome to your new home" in page
    gp = page[page.index('id="gp"') : page.index('id="bins"')]
    assert "Corn Exchange Surgery" in gp and "0.5 km away" in gp
    assert "Monday, Wednesday, Friday: 08:00 to 18:00" in gp
    assert "Sherton Surgery" not in gp  # 60 km away
    bins = page[page.index('id="bins"') :]
    assert "Household bin collections" in bins and "Covers your area" in bins
    assert "Libraries" not in page  # a section with nothing in it is left out
    assert "<script" not in page.split("</main>")[0].split("<main")[1]  # works without JS


def test_the_pack_is_in_polish_for_a_polish_resident(pack_world):
    portal = pack_world
    move_in(portal, language="pl")
    message = welcome_message()
    assert message.subject == "Witamy w nowym domu" and "Link działa do" in message.body
    path, _token = LINK.search(message.body).groups()
    page = Client().get(path).content.decode()
    assert "Witamy w nowym domu" in page and "Przychodnie lekarzy rodzinnych" in page


def test_a_phone_only_resident_gets_the_link_by_text(pack_world):
    portal = pack_world
    move_in(portal, informant=Informant(family_name="Newcomer", phone="07911 123456"))
    message = welcome_message()
    assert message.channel == "sms" and "/welcome/" in message.body


def test_other_life_events_send_no_pack(pack_world):
    portal = pack_world
    raise_bundle(
        life_event=portal.bereavement,
        items=template_items(portal.bereavement),
        location=Location(postcode="WX3 1AA"),
        answers={"deceased_name": "Pat Example", "date_of_death": "2026-11-01"},
        informant=Informant(given_name="Robin", family_name="Relative", email="r@example.org"),
        consent=True,
    )
    assert not WelcomePack.objects.exists()
    assert Notification.objects.count() == 1  # the acknowledgement alone


def test_unknown_and_expired_links(pack_world):
    client = Client()
    assert client.get("/welcome/no-such-pack/").status_code == 404
    pack = create_pack(Location(postcode="WX1 2AB"))
    assert client.get(f"/welcome/{pack.token}/").status_code == 200
    pack.expires_at = timezone.now() - dt.timedelta(seconds=1)
    pack.save()
    response = client.get(f"/welcome/{pack.token}/")
    assert response.status_code == 410
    assert "This welcome pack has expired" in response.content.decode()
    # No district to build one for: nothing is made.
    assert create_pack(Location(latitude=50.8, longitude=-1.75)) is None


def test_the_service_page_has_a_map_beside_the_address(client, directory):
    page = client.get(f"/find-a-service/{directory.food_bank.pk}/").content.decode()
    panel = re.search(r'<div id="fc-service-map-panel"[^>]*>', page).group(0)
    assert "hidden" in panel  # no map without JavaScript
    points = re.search(r'data-points="([^"]*)"', page).group(1)
    assert "50.8044" in points and "Corn Exchange" in points
    assert "1 Corn Exchange Street" in page  # the address in words
    assert "leaflet/leaflet.js" in page and "directory/service-map.js" in page
    # A service with no place has no map and loads no map script.
    page = client.get(f"/find-a-service/{directory.council_tax_entry.pk}/").content.decode()
    assert "fc-service-map" not in page and "leaflet" not in page
