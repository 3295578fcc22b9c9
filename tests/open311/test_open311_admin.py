"""Clients and keys are managed in the admin; a key is shown once and stored hashed."""

from __future__ import annotations

import re

from firstcontact.open311.models import Open311Client, hash_key


def test_admin_creates_a_client_and_shows_its_key_once(client, partnership):
    client.force_login(partnership.admin)
    response = client.post(
        "/admin/open311/open311client/add/",
        {
            "partner": partnership.north.pk,
            "name": "FixMyStreet",
            "active": "on",
            "rate_limit_per_minute": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    key = re.search(r"(fc311_[A-Za-z0-9_-]{40,})", page).group(1)
    made = Open311Client.objects.get()
    assert made.partner == partnership.north
    assert made.key_hash == hash_key(key) and key not in made.key_hash
    assert Open311Client.objects.for_key(key) == made
    listing = client.get("/admin/open311/open311client/").content.decode()
    assert made.key_prefix in listing and key not in listing
    # Saving again keeps the key.
    client.post(
        f"/admin/open311/open311client/{made.pk}/change/",
        {"partner": partnership.north.pk, "name": "FMS", "active": "on"},
    )
    assert Open311Client.objects.for_key(key).name == "FMS"


def test_admin_action_replaces_the_key(client, partnership):
    made = Open311Client(partner=partnership.county, name="App")
    old = made.set_new_key()
    made.save()
    client.force_login(partnership.admin)
    response = client.post(
        "/admin/open311/open311client/",
        {"action": "generate_new_key", "_selected_action": [made.pk]},
        follow=True,
    )
    new = re.search(r"(fc311_[A-Za-z0-9_-]{40,})", response.content.decode()).group(1)
    assert new != old
    assert Open311Client.objects.for_key(old) is None
    assert Open311Client.objects.for_key(new) == made
    # Submissions are case work: not for a partnership administrator.
    assert client.get("/admin/open311/open311submission/").status_code == 403


def test_other_staff_cannot_manage_keys(client, partnership):
    client.force_login(partnership.hub_adviser)
    assert client.get("/admin/open311/open311client/").status_code == 302


def test_only_a_superuser_sees_the_reports_received(client, partnership):
    from django.contrib.auth.models import User

    client.force_login(partnership.admin)
    assert "open311submission" not in client.get("/admin/").content.decode()
    root = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(root)
    assert client.get("/admin/open311/open311submission/").status_code == 200
