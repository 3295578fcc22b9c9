"""The reference page after raising a request: shown in full to a raiser who may read the
request, confirmed (reference, service, partner) to one who may not, 404 to anyone else."""

from django.test import Client

from firstcontact.servicerequests.models import ServiceRequest


def raise_missed_bin(client, partnership):
    """A police officer reports a missed bin in the north: it goes to the district."""
    client.force_login(partnership.police_officer)
    response = client.post(
        "/desk/raise/missed-bin/",
        {"postcode": "WX2 1AA", "address": "Outside 4 Mill Lane", "channel": "phone"},
    )
    request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/raise/done/{request.reference}/"
    return request


def test_raiser_who_cannot_read_the_request_gets_its_reference(client, partnership):
    request = raise_missed_bin(client, partnership)
    assert request.responsible_partner == partnership.north
    response = client.get(f"/desk/raise/done/{request.reference}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert request.formatted_reference in page
    assert "Missed bin collection has been passed to North Wessex District Council" in page
    assert "whose records you cannot open" in page
    # No way into the record the officer may not read.
    assert f"/desk/requests/{request.reference}/" not in page
    assert client.get(f"/desk/requests/{request.reference}/").status_code == 404


def test_the_confirmation_is_only_for_the_session_that_raised_it(client, partnership):
    request = raise_missed_bin(client, partnership)
    # The same officer in another browser (a new session) gets the usual 404.
    other = Client()
    other.force_login(partnership.police_officer)
    assert other.get(f"/desk/raise/done/{request.reference}/").status_code == 404
    # And someone else who may not read it, in any session, too.
    other.force_login(partnership.south_caseworker)
    assert other.get(f"/desk/raise/done/{request.reference}/").status_code == 404


def test_raiser_who_may_read_the_request_sees_it_in_full(client, partnership):
    client.force_login(partnership.south_caseworker)
    client.post(
        "/desk/raise/missed-bin/",
        {"postcode": "WX3 1AA", "address": "1 High Street", "channel": "phone"},
    )
    request = ServiceRequest.objects.get()
    page = client.get(f"/desk/raise/done/{request.reference}/").content.decode()
    assert f"/desk/requests/{request.reference}/" in page
    assert "whose records you cannot open" not in page


def test_an_unknown_reference_is_404(client, partnership):
    raise_missed_bin(client, partnership)
    assert client.get("/desk/raise/done/ABCD2345/").status_code == 404
    assert client.get("/desk/raise/done/not-one/").status_code == 404
