"""Staff sessions end after a spell without activity (30 minutes by default)."""

from __future__ import annotations

import time

import pytest

from firstcontact.accounts.middleware import LAST_SEEN_KEY
from firstcontact.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def last_seen(client, minutes_ago: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time() - minutes_ago * 60)
    session.save()


def test_signed_out_after_thirty_idle_minutes_and_told_why(client, partnership):
    client.force_login(partnership.hub_adviser)
    last_seen(client, 29)
    assert client.get("/desk/").status_code == 200
    last_seen(client, 31)
    response = client.get("/desk/?q=smith")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fdesk%2F%3Fq%3Dsmith"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in page
    # Said once.
    assert "without activity" not in client.get("/accounts/login/").content.decode()
    # Signed out for real.
    assert client.get("/desk/").status_code == 302
    assert AuditEvent.objects.filter(
        user=partnership.hub_adviser,
        action="sign_out",
        detail="signed out after 30 minutes without activity",
    ).exists()


def test_activity_keeps_the_session(client, partnership):
    client.force_login(partnership.hub_adviser)
    last_seen(client, 20)
    assert client.get("/desk/").status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 5


def test_the_idle_time_is_a_setting(client, partnership, settings):
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "STAFF_IDLE_MINUTES": 5}
    client.force_login(partnership.hub_adviser)
    last_seen(client, 6)
    assert client.get("/work/").status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert "You were signed out after 5 minutes without activity" in page


def test_htmx_is_sent_to_sign_in_as_a_whole_page(client, partnership):
    client.force_login(partnership.hub_adviser)
    last_seen(client, 45)
    response = client.get("/desk/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_the_wallboards_own_refresh_is_not_activity(client, partnership):
    """The live figures page fetches itself every 15 seconds: a wallboard left open does not
    keep a session alive for ever."""
    client.force_login(partnership.hub_adviser)
    last_seen(client, 10)
    stamp = client.session[LAST_SEEN_KEY]
    client.get("/insight/live.json", headers={"Accept": "application/json"})
    assert client.session[LAST_SEEN_KEY] == stamp


def test_sessions_last_at_most_twelve_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
