"""Messages sent to residents are case work: a partnership administrator configures the
partnership and does not read them in the admin (docs/access.md); a superuser may."""

from django.contrib.auth.models import User

from firstcontact.notify.models import Notification


def test_a_partnership_admin_does_not_see_messages_sent_to_residents(client, partnership):
    message = Notification.objects.create(
        channel="email",
        recipient="harriet@example.org",
        subject="Your request",
        body="Hi",
        status="failed",
        last_error="SMTP down",
    )
    client.force_login(partnership.admin)
    assert "notification" not in client.get("/admin/").content.decode().lower()
    for url in [
        "/admin/notify/notification/",
        f"/admin/notify/notification/{message.pk}/change/",
        f"/admin/notify/notification/{message.pk}/history/",
        f"/admin/notify/notification/{message.pk}/delete/",
    ]:
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        assert b"harriet@example.org" not in response.content

    root = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(root)
    response = client.get("/admin/notify/notification/")
    assert response.status_code == 200 and b"harriet@example.org" in response.content
    # Read-only for a superuser too: the record of what was sent is not edited or deleted.
    assert client.get(f"/admin/notify/notification/{message.pk}/delete/").status_code == 403
