import pytest

from firstcontact.partners.models import Membership, Role


@pytest.mark.parametrize(
    ("role", "sees_insight"),
    [
        (Role.ADVISER, False),
        (Role.CASEWORKER, False),
        (Role.TEAM_LEADER, True),
        (Role.MANAGER, True),
    ],
)
def test_insight_link_is_shown_to_team_leaders_and_managers_only(
    client, partnership, role, sees_insight
):
    Membership.objects.filter(user=partnership.hub_adviser).update(role=role)
    client.force_login(partnership.hub_adviser)
    page = client.get("/desk/").content.decode()
    assert ('href="/insight/"' in page) is sees_insight
