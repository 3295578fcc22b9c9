"""Already reported nearby, at the desk: raising a fault report where the same service has an
open request within 50 m shows the form again with those requests, and the adviser may add
the customer to one instead (a supporter, told of its updates; "reported by N people" for
staff) or raise a new one. No JavaScript: a second submit of the same form."""

from __future__ import annotations

from firstcontact.customers.services import create_customer
from firstcontact.notify.models import Notification
from firstcontact.servicerequests.models import RequestSupporter, ServiceRequest, UpdateKind
from firstcontact.servicerequests.services import clean_location, raise_request

POINT = {"latitude": "51.5", "longitude": "-1.5"}
NEAR = {"latitude": "51.5003", "longitude": "-1.5"}  # about 33 m north


def existing(partnership, *, public=False):
    partnership.pothole.requests_public = public
    partnership.pothole.save()
    first = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Ada",
        family_name="Firstreporter",
        emails=["ada@example.org"],
    )
    return raise_request(
        user=None,
        service=partnership.pothole,
        channel="web",
        location=clean_location(address="12 Mill Lane, Northby", **POINT),
        attributes={"depth": "deep"},
        description="Private words",
        customer=first,
    )


def form(resident, **extra):
    return {
        "customer": resident.pk,
        "attr_depth": "deep",
        "description": "Another hole",
        "address": "Mill Lane",
        "channel": "phone",
        **NEAR,
        **extra,
    }


def test_the_form_comes_back_with_requests_nearby_and_raises_nothing(client, partnership, resident):
    first = existing(partnership)
    client.force_login(partnership.hub_adviser)
    response = client.post("/desk/raise/pothole/", form(resident))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Already reported nearby" in page
    assert f'value="{first.formatted_reference}"' in page
    assert "Pothole, Mill Lane, Northby · Open · reported" in page and "33 m away" in page
    assert "reported by 1 person" in page
    assert f'href="/desk/requests/{first.reference}/"' in page  # the adviser reads it
    assert "Firstreporter" not in page and "Private words" not in page
    # What was typed is kept for the second submit.
    assert "Another hole" in page and 'value="51.5003"' in page
    assert ServiceRequest.objects.count() == 1


def test_adding_the_customer_to_it_instead_of_a_duplicate(client, partnership, resident):
    first = existing(partnership)
    client.force_login(partnership.hub_adviser)
    client.post("/desk/contact/start/", {"channel": "phone", "partner": partnership.county.pk})
    response = client.post(
        "/desk/raise/pothole/",
        form(resident, nearby=first.formatted_reference, nearby_offered="1"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/desk/requests/{first.reference}/"
    assert ServiceRequest.objects.count() == 1
    supporter = RequestSupporter.objects.get()
    assert supporter.request == first and supporter.customer == resident
    assert supporter.added_by == partnership.hub_adviser and supporter.contact is not None
    assert first.updates.filter(kind=UpdateKind.SUPPORTER, public=False).exists()
    assert Notification.objects.filter(recipient="harriet@example.org").exists()
    page = client.get(response["Location"]).content.decode()
    assert f"Added to {first.formatted_reference}" in page
    # Staff see how many people reported it.
    client.force_login(partnership.highways_officer)
    page = client.get(f"/work/requests/{first.reference}/").content.decode()
    assert "Reported by" in page and "2 people" in page


def test_raising_a_new_one_after_all(client, partnership, resident):
    existing(partnership)
    client.force_login(partnership.hub_adviser)
    response = client.post("/desk/raise/pothole/", form(resident, nearby="new"))
    assert response.status_code == 302
    assert ServiceRequest.objects.count() == 2 and not RequestSupporter.objects.exists()


def test_a_choice_must_be_made_once_offered(client, partnership, resident):
    existing(partnership)
    client.force_login(partnership.hub_adviser)
    page = client.post("/desk/raise/pothole/", form(resident, nearby_offered="1")).content
    assert "Choose a request nearby to add the customer to, or raise a new one." in page.decode()
    page = client.post("/desk/raise/pothole/", form(resident, nearby="ZZZZ-ZZZZ")).content
    assert "Choose one of the requests nearby" in page.decode()
    assert ServiceRequest.objects.count() == 1 and not RequestSupporter.objects.exists()


def test_a_request_the_user_may_not_read_is_offered_only_if_its_service_is_public(
    client, partnership
):
    first = existing(partnership, public=False)
    client.force_login(partnership.south_caseworker)
    data = {"attr_depth": "deep", "channel": "phone", **NEAR}
    response = client.post("/desk/raise/pothole/", data)
    assert response.status_code == 302  # nothing to offer: raised at once
    assert ServiceRequest.objects.count() == 2
    ServiceRequest.objects.exclude(pk=first.pk).delete()
    partnership.pothole.requests_public = True
    partnership.pothole.save()
    page = client.post("/desk/raise/pothole/", data).content.decode()
    # Public information only: no link, no count, nobody's name.
    assert f'value="{first.formatted_reference}"' in page
    assert f"/desk/requests/{first.reference}/" not in page and "reported by" not in page
    assert "Firstreporter" not in page
