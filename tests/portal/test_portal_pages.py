"""The start page, search, service pages, feedback, branding and languages."""

import pytest
from django.test import Client

from firstcontact.catalogue.models import Service
from firstcontact.partners.geography import Location
from firstcontact.portal.models import Feedback
from firstcontact.servicerequests.services import raise_request
from tests.portal.test_portal_report import assert_error


def polish_client() -> Client:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    return client


def test_the_start_page_is_the_front_page_with_council_branding(client, portal):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="/" class="govuk-generic-header__homepage-link">Wessex County Council</a>' in html
    )
    assert "GOV.UK" not in html and "crown" not in html.lower()
    assert 'name="q"' in html and "What do you need?" in html
    assert "Tell us about a death" in html
    for url in ["/report/", "/apply/", "/track/", "/complain/", "/feedback/"]:
        assert f'href="{url}"' in html


def test_the_partnership_name_can_be_set(client, portal, settings):
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "PARTNERSHIP_NAME": "Wessex Councils"}
    assert "Wessex Councils</a>" in client.get("/").content.decode()


def test_most_used_tasks_come_from_requests(client, portal):
    for _ in range(3):
        raise_request(
            user=None,
            service=portal.missed_bin,
            channel="web",
            location=Location(postcode="WX1 2AB"),
        )
    html = client.get("/").content.decode()
    most_used = html[html.index("Most used") : html.index("Everything you can do here")]
    assert most_used.index("Missed bin collection") < most_used.index("Pothole")
    assert "Council Tax" not in most_used  # information is not a task


def test_search_finds_services_and_life_events(client, portal):
    html = client.get("/search/", {"q": "potholes"}).content.decode()
    assert 'href="/report/pothole/"' in html
    html = client.get("/search/", {"q": "died"}).content.decode()
    assert 'href="/tell-us-once/bereavement/"' in html
    html = client.get("/search/", {"q": "blue badge"}).content.decode()
    assert 'href="/apply/blue-badge/"' in html
    html = client.get("/search/", {"q": "council tax"}).content.decode()
    assert 'href="/services/council-tax/"' in html
    assert "tuo-council-tax-death" not in html  # private services are not offered
    html = client.get("/search/", {"q": "zzzz"}).content.decode()
    assert "0 results" in html and "Try other words" in html


def test_search_recognises_a_reference(client, portal):
    request = raise_request(
        user=None,
        service=portal.pothole,
        channel="web",
        location=Location(postcode="WX1 2AB"),
        attributes={"depth": "deep"},
    )
    html = client.get("/search/", {"q": request.reference.lower()}).content.decode()
    assert "That looks like a reference" in html
    assert f"/track/?reference={request.reference.lower()}" in html


def test_an_information_service_has_a_page(client, portal):
    html = client.get("/services/council-tax/").content.decode()
    assert "Council Tax" in html and "North Wessex District Council" in html
    assert client.get("/services/pothole/")["Location"] == "/report/pothole/"
    assert client.get("/services/tuo-council-tax-death/").status_code == 404


def test_feedback_is_saved(client, portal):
    response = client.post(
        "/feedback/", {"rating": "4", "comment": "Quick and easy", "reference": ""}
    )
    assert response["Location"] == "/feedback/thanks/"
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment, feedback.language) == (4, "Quick and easy", "en")
    assert "Thank you for your feedback" in client.get("/feedback/thanks/").content.decode()


def test_feedback_with_bad_input_keeps_the_answers(client, portal):
    html = assert_error(
        client.post("/feedback/", {"comment": "Slow", "reference": "ABC"}),
        "Select how you felt about the service",
        "id_rating_0",
    )
    assert "A reference is 8 characters long" in html
    assert "Slow" in html and 'value="ABC"' in html
    assert_error(client.post("/feedback/", {"rating": "9"}), "Select a valid choice")
    assert Feedback.objects.count() == 0


def test_feedback_from_a_survey_link_goes_to_the_survey(client, portal):
    response = client.get("/feedback/", {"token": "abc123"})
    assert response.status_code == 302
    assert response["Location"].endswith("/survey/abc123/")


def test_feedback_is_rate_limited(client, portal, settings):
    settings.PORTAL_RATE_LIMITS = {"submit": (1, 3600)}
    client.post("/feedback/", {"rating": "5"})
    assert client.post("/feedback/", {"rating": "5"}).status_code == 429
    assert Feedback.objects.count() == 1


def test_the_accessibility_statement(client, portal):
    html = client.get("/accessibility/").content.decode()
    assert "Accessibility statement" in html and "Wessex County Council" in html


def test_the_language_switch_turns_resident_pages_polish(portal):
    client = polish_client()
    html = client.get("/").content.decode()
    assert '<html lang="pl"' in html
    assert "Jak możemy pomóc?" in html and "Przejdź do głównej treści" in html
    assert 'lang="en-gb">English</button>' in html
    assert '<span lang="en-GB">Tell us about a death</span>' in html  # catalogue text marked
    html = client.get("/report/pothole/location/").content.decode()
    assert "Gdzie jest problem?" in html
    html = client.post("/report/pothole/location/", {}).content.decode()
    assert "Wpisz kod pocztowy najbliższy miejsca problemu" in html
    assert "Wystąpił problem" in html and "<title>Błąd: Gdzie jest problem?" in html
    client.post("/i18n/setlang/", {"language": "en-gb", "next": "/"})
    assert '<html lang="en-gb"' in client.get("/").content.decode()


def test_a_polish_browser_gets_polish_resident_pages_but_english_staff_pages(client, portal):
    html = client.get("/track/", HTTP_ACCEPT_LANGUAGE="pl,en;q=0.5").content.decode()
    assert '<html lang="pl"' in html and "Sprawdź zgłoszenie" in html
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert '<html lang="en-gb"' in html
    polish = polish_client()
    assert '<html lang="en-gb"' in polish.get("/accounts/login/").content.decode()


@pytest.mark.parametrize("language", ["en-gb", "pl"])
def test_django_field_messages_follow_the_language(portal, language):
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.post("/report/", {"service": "nonsense"}).content.decode()
    expected = {"en-gb": "Select a valid choice", "pl": "Wybierz poprawną wartość"}[language]
    assert expected in html


def test_every_translatable_string_has_a_polish_translation():
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "src/firstcontact/portal/locale/pl/LC_MESSAGES"
    text = (po / "django.po").read_text(encoding="utf-8")
    assert 'msgstr ""\n\n' not in text.split("\n\n", 1)[1] + "\n\n"
    assert "#, fuzzy" not in text
    assert (po / "django.mo").stat().st_mtime >= (po / "django.po").stat().st_mtime - 1


def test_private_services_are_not_reportable(client, portal):
    Service.objects.filter(code="pothole").update(private=True)
    assert client.get("/report/pothole/location/").status_code == 404
    assert "Pothole" not in client.get("/report/").content.decode()
