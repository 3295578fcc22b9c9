"""Saved views of the work queue: each officer's own filters and sort, by name."""

import pytest

from firstcontact.casework.models import SavedView
from firstcontact.casework.services import save_view, set_default_view
from firstcontact.catalogue.models import Priority
from firstcontact.servicerequests.models import ServiceRequest
from tests.desk.conftest import raise_pothole


@pytest.fixture
def two_potholes(partnership):
    urgent = raise_pothole(partnership, description="Urgent hole")
    ServiceRequest.objects.filter(pk=urgent.pk).update(priority=Priority.URGENT)
    normal = raise_pothole(partnership, description="Normal hole")
    urgent.refresh_from_db()
    return urgent, normal


def test_save_this_view_keeps_the_filters_and_lists_it_above_the_queue(
    client, partnership, two_potholes
):
    urgent, normal = two_potholes
    client.force_login(partnership.highways_officer)
    query = f"team={partnership.highways.pk}&priority={Priority.URGENT}&sort=priority&evil=1"
    page = client.get(f"/work/?{query}").content.decode()
    assert "Save this view" in page
    response = client.post("/work/views/", {"name": "Urgent potholes", "query": query})
    assert response.status_code == 302
    view = SavedView.objects.get(user=partnership.highways_officer)
    assert view.name == "Urgent potholes"
    # Only the queue's own filters are kept.
    assert "evil" not in view.query and f"priority={Priority.URGENT}" in view.query
    page = client.get("/work/").content.decode()
    assert "My saved views" in page and "Urgent potholes" in page
    # Opening it shows what it filters.
    page = client.get(f"/work/?{view.query}").content.decode()
    assert urgent.formatted_reference in page
    assert normal.formatted_reference not in page


def test_a_name_is_needed_and_names_are_unique_per_user(client, partnership):
    client.force_login(partnership.highways_officer)
    response = client.post("/work/views/", {"name": " ", "query": "team="}, follow=True)
    assert "Enter a name for the view." in response.content.decode()
    response = client.post("/work/views/", {}, follow=True)
    assert "Enter a name for the view." in response.content.decode()
    save_view(user=partnership.highways_officer, name="Mine", query="team=")
    response = client.post("/work/views/", {"name": "mine", "query": "team="}, follow=True)
    assert "You already have a view called" in response.content.decode()
    # Another officer may use the same name.
    save_view(user=partnership.south_caseworker, name="Mine", query="team=")
    assert SavedView.objects.count() == 2


def test_rename_delete_and_default(client, partnership, two_potholes):
    user = partnership.highways_officer
    view = save_view(user=user, name="Urgent", query=f"priority={Priority.URGENT}&sort=priority")
    client.force_login(user)
    client.post(f"/work/views/{view.pk}/", {"do": "rename", "name": "Urgent first"})
    view.refresh_from_db()
    assert view.name == "Urgent first"

    client.post(f"/work/views/{view.pk}/", {"do": "default"})
    response = client.get("/work/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?{view.query}")
    # The plain queue stays one link away.
    assert client.get("/work/?view=none").status_code == 200
    page = client.get("/work/views/").content.decode()
    assert "Default" in page and "Stop opening with it" in page

    client.post(f"/work/views/{view.pk}/", {"do": "undefault"})
    assert client.get("/work/").status_code == 200

    client.post(f"/work/views/{view.pk}/", {"do": "delete"})
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_only_the_owner_sees_or_changes_a_view(client, partnership):
    view = save_view(user=partnership.highways_officer, name="Private name", query="team=")
    other = partnership.highways_lead
    client.force_login(other)
    assert "Private name" not in client.get("/work/").content.decode()
    assert "Private name" not in client.get("/work/views/").content.decode()
    for do in ("rename", "delete", "default"):
        assert client.post(f"/work/views/{view.pk}/", {"do": do, "name": "Mine"}).status_code == 404
    view.refresh_from_db()
    assert view.name == "Private name" and not view.is_default


def test_one_default_per_user(partnership):
    user = partnership.highways_officer
    first = save_view(user=user, name="A", query="team=")
    second = save_view(user=user, name="B", query="team=")
    set_default_view(user=user, view=first)
    set_default_view(user=user, view=second)
    assert list(SavedView.objects.filter(user=user, is_default=True)) == [second]
