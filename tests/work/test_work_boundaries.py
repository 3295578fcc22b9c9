"""Data boundaries on every desk and work page: staff of a partner with no agreement get a
404 for another partner's customer, request, callback or message, and never see its rows."""

import datetime as dt

import pytest
from django.utils import timezone

from firstcontact.contacts.services import book_callback, start_contact
from firstcontact.desk import session
from firstcontact.notify.models import Notification
from tests.desk.conftest import raise_pothole


@pytest.fixture
def county_records(partnership, resident):
    request = raise_pothole(partnership, resident)
    start = timezone.now() + dt.timedelta(hours=1)
    callback = book_callback(
        user=partnership.hub_adviser, partner=partnership.county, phone="0113 496 0456",
        reason="Ring back about the pothole", window_start=start,
        window_end=start + dt.timedelta(hours=1), customer=resident,
    )  # fmt: skip
    message = Notification.objects.create(
        channel="email", recipient="harriet@example.org", subject="About the pothole",
        body="x", status="failed", service_request=request,
    )  # fmt: skip
    return resident, request, callback, message


def pages_404(resident, request, callback, message):
    ref = request.reference
    return [
        ("get", f"/desk/customers/{resident.pk}/"),
        ("get", f"/desk/customers/{resident.pk}/callback/"),
        ("post", f"/desk/customers/{resident.pk}/attach/"),
        ("get", f"/desk/raise/?customer={resident.pk}"),
        ("get", f"/desk/raise/pothole/?customer={resident.pk}"),
        ("get", f"/desk/raise/done/{ref}/"),
        ("get", f"/desk/requests/{ref}/"),
        ("get", f"/work/requests/{ref}/"),
        *[("post", f"/work/requests/{ref}/{a}/") for a in ["note", "public", "assign",
          "acknowledge", "start", "hold", "resume", "close", "refer"]],
        ("get", f"/desk/callbacks/{callback.pk}/"),
        ("post", f"/desk/callbacks/{callback.pk}/"),
        ("post", f"/work/notifications/{message.pk}/retry/"),
    ]  # fmt: skip


@pytest.mark.parametrize("outsider", ["police_officer", "south_caseworker"])
def test_another_partners_staff_get_404_on_every_page(client, partnership, county_records,
                                                      outsider):  # fmt: skip
    resident, request, callback, message = county_records
    client.force_login(getattr(partnership, outsider))
    for method, url in pages_404(*county_records):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    request.refresh_from_db()
    assert request.version == 1 and request.status == "open"


@pytest.mark.parametrize("outsider", ["police_officer", "south_caseworker"])
def test_and_never_see_its_rows_in_lists(client, partnership, county_records, outsider):
    resident, request, callback, message = county_records
    client.force_login(getattr(partnership, outsider))
    lists = [
        "/desk/?q=Harriet+Ambleside",
        f"/desk/?q={request.formatted_reference}",
        "/desk/?q=harriet@example.org",
        "/desk/callbacks/?scope=all",
        "/work/?team=",
        "/work/?team=&status=open_any&sla=",
        "/work/notifications/",
    ]
    for url in lists:
        page = client.get(url).content.decode()
        assert f"/desk/customers/{resident.pk}/" not in page, url
        assert f"/requests/{request.reference}/" not in page, url
        assert f"/desk/callbacks/{callback.pk}/" not in page, url
        assert "About the pothole" not in page, url


def test_the_hub_acting_for_the_county_sees_them(client, partnership, county_records):
    resident, request, callback, message = county_records
    client.force_login(partnership.hub_adviser)
    for url in [f"/desk/customers/{resident.pk}/", f"/work/requests/{request.reference}/",
                f"/desk/callbacks/{callback.pk}/", "/work/notifications/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_a_contact_in_someone_elses_session_is_not_theirs(client, partnership):
    contact = start_contact(user=partnership.hub_adviser, channel="phone",
                            partner=partnership.north)  # fmt: skip
    client.force_login(partnership.police_officer)
    store = client.session
    store[session.CONTACT_KEY] = contact.pk
    store.save()
    response = client.post("/desk/contact/end/", {"outcome": "resolved"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.is_open
