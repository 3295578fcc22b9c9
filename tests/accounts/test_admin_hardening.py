"""The admin for a partnership administrator who is not a superuser: no superuser status or
permissions for anyone (themselves included), no changing a superuser, no deleting logins."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission, User

from firstcontact.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def change_data(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": "Morgan",
        "email": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def membership_prefix(client, user) -> str:
    page = client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    return re.search(r'name="([\w-]+)-TOTAL_FORMS"', page).group(1)


def test_a_partnership_admin_cannot_make_themselves_a_superuser(client, partnership):
    admin = partnership.admin
    client.force_login(admin)
    page = client.get(f"/admin/auth/user/{admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page and 'name="groups"' not in page

    prefix = membership_prefix(client, admin)
    data = change_data(admin, is_superuser="on", is_staff="on")
    data = {k.replace("memberships-", f"{prefix}-"): v for k, v in data.items()}
    permission = Permission.objects.get(codename="delete_user")
    data["user_permissions"] = [permission.pk]
    response = client.post(f"/admin/auth/user/{admin.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    admin.refresh_from_db()
    assert admin.last_name == "Morgan"  # the change went through…
    assert not admin.is_superuser  # …without the superuser status
    assert not admin.user_permissions.exists()


def test_a_superuser_is_changed_only_by_a_superuser(client, partnership):
    root = User.objects.create_superuser("root", password="a-long-root-password")
    client.force_login(partnership.admin)
    page = client.get(f"/admin/auth/user/{root.pk}/change/")
    assert page.status_code == 200  # can see the login, read-only
    assert 'name="username"' not in page.content.decode()
    response = client.post(f"/admin/auth/user/{root.pk}/change/", change_data(root))
    assert response.status_code == 403
    response = client.post(
        f"/admin/auth/user/{root.pk}/password/",
        {"password1": "taken-over-password", "password2": "taken-over-password"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("a-long-root-password")

    # A superuser still sees and sets it.
    client.force_login(root)
    page = client.get(f"/admin/auth/user/{partnership.admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' in page


def test_nobody_deletes_a_login_in_the_admin(client, partnership):
    target = partnership.hub_adviser
    for actor in [partnership.admin, User.objects.create_superuser("root", password="x" * 20)]:
        client.force_login(actor)
        assert client.get(f"/admin/auth/user/{target.pk}/delete/").status_code == 403
        response = client.post(
            "/admin/auth/user/", {"action": "delete_selected", "_selected_action": [target.pk]}
        )
        assert User.objects.filter(pk=target.pk).exists()
        page = client.get("/admin/auth/user/").content.decode()
        assert 'value="delete_selected"' not in page
    assert response.status_code in {200, 302}


def test_switching_a_login_off_keeps_its_audit_trail(client, partnership):
    target = partnership.hub_adviser
    client.force_login(target)
    client.post("/accounts/logout/")
    client.force_login(partnership.admin)
    prefix = membership_prefix(client, target)
    data = change_data(target, is_active="")
    data = {k.replace("memberships-", f"{prefix}-"): v for k, v in data.items()}
    assert client.post(f"/admin/auth/user/{target.pk}/change/", data).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert AuditEvent.objects.filter(user=target, action="sign_in").exists()
    client.post("/accounts/logout/")
    response = client.post(
        "/accounts/login/", {"username": "hub-adviser", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
