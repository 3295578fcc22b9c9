"""Catalogue content in the resident's language: a translation per object, field and language
(firstcontact.translations) replaces the English on Polish pages; without one, or once the
English has changed, the English shows, marked lang="en-GB"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from firstcontact.catalogue.models import ServiceAttribute
from firstcontact.translations.models import Translation
from firstcontact.translations.services import set_translation


def polish_client() -> Client:
    client = Client()
    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    return client


def test_a_polish_page_shows_the_service_name_in_polish(partnership):
    set_translation(partnership.pothole, "name", "pl", "Dziura w jezdni")
    page = polish_client().get("/report/pothole/", follow=True).content.decode()
    assert '<span class="govuk-caption-l">Dziura w jezdni</span>' in page
    # English pages keep the English.
    english = Client().get("/report/pothole/", follow=True).content.decode()
    assert '<span class="govuk-caption-l">Pothole</span>' in english


def test_questions_and_choices_are_translated_on_the_question_page(partnership):
    depth = ServiceAttribute.objects.get(service=partnership.pothole, code="depth")
    set_translation(depth, "description", "pl", "Jak głęboka jest dziura?")
    set_translation(depth, "values.deep", "pl", "5 cm lub więcej")
    client = polish_client()
    client.get("/report/pothole/", follow=True)
    page = client.post(
        "/report/pothole/location/", {"postcode": "WX2 1AA"}, follow=True
    ).content.decode()
    assert "Jak głęboka jest dziura?" in page
    assert "5 cm lub więcej" in page
    # The untranslated choice stays English, marked as such for screen readers.
    assert '<span lang="en-GB">Less than 5cm</span>' in page


def test_a_translation_goes_quiet_when_the_english_changes(partnership):
    translation = set_translation(partnership.pothole, "name", "pl", "Dziura w jezdni")
    assert translation.is_current
    partnership.pothole.name = "Pothole or sunken road"
    partnership.pothole.save()
    translation.refresh_from_db()
    assert not translation.is_current
    page = polish_client().get("/report/pothole/", follow=True).content.decode()
    assert "Dziura w jezdni" not in page
    assert '<span lang="en-GB">Pothole or sunken road</span>' in page


def test_one_translation_per_object_field_and_language(partnership):
    set_translation(partnership.pothole, "name", "pl", "Dziura")
    set_translation(partnership.pothole, "name", "pl", "Dziura w jezdni")
    assert Translation.objects.get().text == "Dziura w jezdni"


@pytest.mark.parametrize(
    ("field", "language", "text"),
    [
        ("lgsl_code", "pl", "x"),  # not a translated field
        ("name", "fr", "Nid-de-poule"),  # not one of the site's languages
        ("name", "pl", "  "),  # nothing
        ("values.nothing", "pl", "x"),  # the service has no choices
    ],
)
def test_what_cannot_be_translated_is_refused(partnership, field, language, text):
    with pytest.raises(ValidationError):
        set_translation(partnership.pothole, field, language, text)


def test_the_admin_lists_and_adds_translations(client, partnership):
    client.force_login(partnership.admin)
    set_translation(partnership.pothole, "name", "pl", "Dziura w jezdni")
    listing = client.get("/admin/translations/translation/")
    assert listing.status_code == 200 and "Dziura w jezdni" in listing.content.decode()
    assert client.get("/admin/translations/translation/add/").status_code == 200
