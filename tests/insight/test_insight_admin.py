"""Satisfaction surveys sent and answered name residents' contacts and hold their own words:
case work, for superusers only in the admin. A partnership administrator keeps the settings
(sampling rules, costs, recharge rates) and reads the figures in insight."""

from django.contrib.auth.models import User


def test_a_partnership_admin_configures_sampling_but_does_not_read_survey_answers(
    client, partnership
):
    client.force_login(partnership.admin)
    index = client.get("/admin/").content.decode()
    assert "/admin/insight/samplingrule/" in index
    assert "/admin/insight/satisfactionresponse/" not in index
    assert "/admin/insight/surveyinvitation/" not in index
    assert client.get("/admin/insight/samplingrule/").status_code == 200
    assert client.get("/admin/insight/satisfactionresponse/").status_code == 403
    assert client.get("/admin/insight/surveyinvitation/").status_code == 403
    assert client.get("/insight/satisfaction/").status_code == 200

    root = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(root)
    assert client.get("/admin/insight/satisfactionresponse/").status_code == 200
