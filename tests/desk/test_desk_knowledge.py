"""The knowledge base: adviser scripts in Markdown, rendered safely, and searchable."""

from firstcontact.desk.markdown import render_markdown


def test_markdown_gets_govuk_classes():
    html = render_markdown(
        "# Bins\n\nCollected **fortnightly**.\n\n- Blue: paper\n- Green: garden\n\n"
        "[Calendar](https://example.org/bins)"
    )
    assert '<h3 class="govuk-heading-m">Bins</h3>' in html
    assert '<p class="govuk-body">Collected <strong>fortnightly</strong>.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<a href="https://example.org/bins" class="govuk-link">Calendar</a>' in html


def test_markdown_escapes_html_and_drops_script_links():
    html = render_markdown(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)"
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html and 'href="data' not in html


def test_knowledge_search_and_article(client, partnership):
    partnership.pothole.adviser_script = "Ask how deep it is. <b>Never</b> promise a date."
    partnership.pothole.keywords = "road, hole"
    partnership.pothole.save()
    partnership.asb.adviser_script = "Call 999 in an emergency."
    partnership.asb.save()
    client.force_login(partnership.hub_adviser)
    page = client.get("/desk/knowledge/", {"q": "hole"}).content.decode()
    assert "/desk/knowledge/pothole/" in page and "/desk/knowledge/asb/" not in page
    partial = client.get(
        "/desk/knowledge/",
        {"q": "emergency"},
        headers={"HX-Request": "true", "HX-Target": "knowledge-results"},
    ).content.decode()
    assert partial.lstrip().startswith('<div id="knowledge-results"')
    assert "/desk/knowledge/asb/" in partial
    page = client.get("/desk/knowledge/pothole/").content.decode()
    assert "&lt;b&gt;Never&lt;/b&gt;" in page
    # Without a contact in progress there is nothing to resolve.
    assert "Answered: end contact as resolved" not in page
    response = client.post("/desk/knowledge/pothole/")
    assert response.status_code == 302


def test_inactive_services_have_no_article(client, partnership):
    partnership.asb.active = False
    partnership.asb.save()
    client.force_login(partnership.hub_adviser)
    assert client.get("/desk/knowledge/asb/").status_code == 404
