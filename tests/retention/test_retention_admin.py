"""Erasure requests name the person asking and the customer record: data protection officers
work them at /dpo/erasure/; in the admin they are for superusers only, not a partnership
administrator. Retention rules stay theirs to configure."""

from django.contrib.auth.models import User

from tests.retention.test_retention_erasure import person, record  # noqa: F401


def test_a_partnership_admin_configures_retention_but_reads_no_erasure_request(
    client,
    dpos,
    partnership,
    person,  # noqa: F811
):
    erasure = record(client, dpos.county, person)
    client.force_login(partnership.admin)
    index = client.get("/admin/").content.decode()
    assert "/admin/retention/retentionrule/" in index
    assert "/admin/retention/erasurerequest/" not in index
    for url in [
        "/admin/retention/erasurerequest/",
        f"/admin/retention/erasurerequest/{erasure.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        assert person.family_name.encode() not in response.content

    root = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(root)
    response = client.get(f"/admin/retention/erasurerequest/{erasure.pk}/change/")
    assert response.status_code == 200 and person.family_name in response.content.decode()
