from firstcontact.customers.services import create_customer
from firstcontact.privacy.models import AuditEvent
from firstcontact.servicerequests.services import clean_location, raise_request


def test_staff_pages_need_a_login(client, partnership):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_with_password_then_search_and_open_customer(client, partnership):
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        phones=["0113 496 0456"],
    )
    assert client.login(username="hub-adviser", password="correct-horse-battery")
    page = client.get("/desk/", {"q": "Hariet Amblesid"}).content.decode()
    assert "Harriet Ambleside" in page
    page = client.get(f"/desk/customers/{customer.pk}/").content.decode()
    assert "0113 496 0456" in page
    assert AuditEvent.objects.filter(
        user=partnership.hub_adviser, action="view", customer_id=customer.pk
    ).exists()


def test_customer_of_another_partner_is_not_found(client, partnership):
    customer = create_customer(
        user=None, partner=partnership.south, family_name="Private", emails=["p@example.org"]
    )
    client.force_login(partnership.police_officer)
    assert client.get(f"/desk/customers/{customer.pk}/").status_code == 404


def test_request_page_shows_timeline_to_the_responsible_partner_only(client, partnership):
    request = raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX2 1AA"),
        attributes={"depth": "deep"},
        description="Big hole by the bus stop",
    )
    client.force_login(partnership.highways_officer)
    page = client.get(f"/desk/requests/{request.reference}/").content.decode()
    assert "Big hole by the bus stop" in page
    assert "Wessex County Council" in page
    client.force_login(partnership.south_caseworker)
    assert client.get(f"/desk/requests/{request.reference}/").status_code == 404
    assert client.get("/desk/requests/NOT-AREF/").status_code == 404
