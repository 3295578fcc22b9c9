"""The audit trail names the records staff viewed: data protection officers read it at
/dpo/; in the admin, superusers only (read-only), not a partnership administrator."""

from django.contrib.auth.models import User

from firstcontact.privacy.services import record_audit_event


def test_a_partnership_admin_does_not_read_the_audit_trail(client, partnership):
    record_audit_event(
        user=partnership.highways_officer,
        action="view",
        object_type="service_request",
        object_id="QWERTY23",
    )
    client.force_login(partnership.admin)
    assert "/admin/privacy/auditevent/" not in client.get("/admin/").content.decode()
    response = client.get("/admin/privacy/auditevent/")
    assert response.status_code == 403
    assert b"QWERTY23" not in response.content
    # Agreements are configuration: still theirs.
    assert client.get("/admin/privacy/datasharingagreement/").status_code == 200

    root = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(root)
    response = client.get("/admin/privacy/auditevent/")
    assert response.status_code == 200 and b"QWERTY23" in response.content
