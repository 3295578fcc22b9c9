"""What the demo shows: the desk search box's example (misspelt) finds the person it names,
Polish pages show the catalogue in Polish, tell us once is set up."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", people=60, calls=False, no_progress=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo, db):
    return None


def test_the_desk_search_hint_finds_the_person_it_names(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="adviser"))
    page = client.get("/desk/").content.decode()
    hint = re.search(r'id="q-hint">[^<]*“([^”]+)” finds ([^<.]+)\.', page)
    assert hint, "the search box has an example in its hint"
    typed, named = hint.groups()
    assert typed != named  # the example is misspelt on purpose
    results = client.get("/desk/", {"q": typed}).content.decode()
    assert named in results


def test_polish_resident_pages_show_the_catalogue_in_polish(demo):
    client = Client()
    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    page = client.get("/report/").content.decode()
    for polish in ["Dziura w jezdni", "Nieodebrane odpady", "Nielegalne wysypisko śmieci"]:
        assert polish in page
    page = client.get("/report/pothole/", follow=True).content.decode()
    assert '<span class="govuk-caption-l">Dziura w jezdni</span>' in page
    page = client.get("/tell-us-once/").content.decode()
    assert "Zgłoś zgon" in page
