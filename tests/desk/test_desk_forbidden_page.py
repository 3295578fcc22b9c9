"""A page the user may not open says so, with a heading, the reason and a way back (the 403
page), rather than Django's bare "403 Forbidden"."""


def test_the_403_page_has_a_heading_a_reason_and_a_way_back(client, partnership):
    client.force_login(partnership.hub_adviser)
    response = client.get("/insight/")
    page = response.content.decode()
    assert response.status_code == 403
    assert '<h1 class="govuk-heading-l">You cannot open this page</h1>' in page
    assert "The insight pages are for team leaders and managers." in page
    assert 'href="/desk/">Go to the desk</a>' in page
    assert '<main class="govuk-main-wrapper"' in page
