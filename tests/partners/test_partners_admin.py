import pytest
from django.core.exceptions import ValidationError

from firstcontact.partners.models import Partner, PartnerArea, PartnerKind


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/partners/partner/",
        "/admin/catalogue/service/",
        "/admin/partners/team/",
        "/admin/auth/user/",
    ],
)
def test_partnership_admin_manages_partners_services_teams_and_users(client, partnership, path):
    client.force_login(partnership.admin)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("who", ["hub_adviser", "highways_officer", "police_officer"])
def test_other_staff_are_kept_out_of_the_admin(client, partnership, who):
    client.force_login(getattr(partnership, who))
    response = client.get("/admin/partners/partner/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_adds_a_service_with_a_delivery(client, partnership):
    client.force_login(partnership.admin)
    response = client.post(
        "/admin/catalogue/service/add/",
        {
            "code": "graffiti",
            "name": "Graffiti",
            "kind": "fault_report",
            "tier": "district",
            "lgsl_code": "528",
            "active": "on",
            "description": "",
            "group": "Streets",
            "keywords": "",
            "adviser_script": "",
            "public_location": "street",
            "deliveries-TOTAL_FORMS": "1",
            "deliveries-INITIAL_FORMS": "0",
            "deliveries-0-partner": partnership.north.pk,
            "deliveries-0-team": "",
            "attributes-TOTAL_FORMS": "0",
            "attributes-INITIAL_FORMS": "0",
            "eligibility_questions-TOTAL_FORMS": "0",
            "eligibility_questions-INITIAL_FORMS": "0",
            "evidence_requirements-TOTAL_FORMS": "0",
            "evidence_requirements-INITIAL_FORMS": "0",
            "priority_rules-TOTAL_FORMS": "0",
            "priority_rules-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from firstcontact.catalogue.models import Service

    assert Service.objects.get(code="graffiti").deliveries.get().partner == partnership.north


def test_a_district_only_sits_inside_a_county(partnership):
    police_child = Partner(slug="x", name="X", kind=PartnerKind.POLICE, parent=partnership.county)
    with pytest.raises(ValidationError):
        police_child.full_clean()
    district_in_district = Partner(
        slug="y", name="Y", kind=PartnerKind.DISTRICT, parent=partnership.north
    )
    with pytest.raises(ValidationError):
        district_in_district.full_clean()


def test_area_postcodes_are_checked_and_normalised(partnership):
    area = PartnerArea(partner=partnership.north, name="New", postcode_districts=["wx9", "WX9 1AB"])
    area.full_clean()
    assert area.postcode_districts == ["WX9", "WX9"]
    with pytest.raises(ValidationError):
        PartnerArea(
            partner=partnership.north, name="Bad", postcode_districts=["nonsense"]
        ).full_clean()
    with pytest.raises(ValidationError):
        PartnerArea(
            partner=partnership.north, name="Bad", boundary={"type": "Point", "coordinates": [0, 0]}
        ).full_clean()
