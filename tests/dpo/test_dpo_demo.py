"""The demo's subject access request: a person the county and a district both hold. The
county's DPO exports the county's record of them only; the partnership's DPO both partners'
records, their requests with internal notes, consents with their wording, and who viewed them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from firstcontact.demo.partnership import COUNTY
from firstcontact.privacy.models import SubjectAccessRequest
from tests.dpo.conftest import kind, read_zip, signed_in


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", people=120, no_progress=True, calls=False, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_sar(_demo, db) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_related("customer__partner").get()


def login(client, username: str):
    return signed_in(client, get_user_model().objects.get(username=username))


def export(client, sar):
    return read_zip(client.post(reverse("dpo:sar_export", args=[sar.pk])))


def test_the_demo_logs_one_request_for_a_person_two_partners_hold(client, demo_sar):
    assert demo_sar.customer.partner.slug == COUNTY and demo_sar.status == "open"
    html = login(client, "dpo").get(reverse("dpo:sar_list")).content.decode()
    assert demo_sar.subject_name in html
    html = login(client, "partnership-dpo").get(reverse("dpo:person", args=[demo_sar.customer_id]))
    assert html.content.decode().count("/dpo/people/") >= 2  # both partners' records


def test_the_county_dpo_exports_the_countys_record_only(client, demo_sar):
    files = export(login(client, "dpo"), demo_sar)
    records = kind(files, "customer_records")
    assert [r["partner"] for r in records] == ["Wessex County Council"]
    assert all(r["partner"] == "Wessex County Council" for r in kind(files, "service_requests"))
    assert [c["wording"] for c in kind(files, "consents")] != []
    assert {r["record"] for r in kind(files, "record_access")} == {demo_sar.customer_id}


def test_the_partnership_dpo_exports_both_partners_records(client, demo_sar):
    files = export(login(client, "partnership-dpo"), demo_sar)
    partners = {r["partner"] for r in kind(files, "customer_records")}
    assert len(partners) == 2 and "Wessex County Council" in partners
    (district,) = partners - {"Wessex County Council"}
    assert kind(files, "service_requests")  # the district record's, at least
    notes = kind(files, "request_updates")
    assert any(n["visibility"] == "internal" and "daughter" in n["text"] for n in notes)
    wording = [c["wording"] for c in kind(files, "consents")]
    assert any(district in w for w in wording)
    viewers = {(v["username"], v["action"]) for v in kind(files, "record_access")}
    assert {("adviser", "Viewed"), ("adviser2", "Viewed")} <= viewers
    assert "Information held about" in files["index.html"].decode()
