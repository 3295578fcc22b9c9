"""Life-event templates are configuration a partnership administrator manages; the bundles
raised from them name residents' requests, case work the administrator does not read."""

from django.contrib.auth.models import User

from tests.lifeevents.test_lifeevents_bundles import bundle


def test_a_partnership_admin_sees_templates_but_not_the_bundles_raised(client, partnership, portal):
    made = bundle(portal)
    reference = made.items.first().request.reference
    client.force_login(partnership.admin)
    index = client.get("/admin/").content.decode()
    assert "/admin/lifeevents/lifeevent/" in index
    assert "/admin/lifeevents/bundle/" not in index
    assert client.get("/admin/lifeevents/lifeevent/").status_code == 200
    for url in ["/admin/lifeevents/bundle/", f"/admin/lifeevents/bundle/{made.pk}/change/"]:
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        assert reference.encode() not in response.content

    root = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(root)
    response = client.get(f"/admin/lifeevents/bundle/{made.pk}/change/")
    assert response.status_code == 200
    assert made.reference in response.content.decode()
