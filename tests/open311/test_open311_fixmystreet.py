"""Fit for FixMyStreet's own client: forms in another charset, "change category and resend",
media URLs that are not web addresses, and api keys kept out of the logs."""

from __future__ import annotations

import io
import logging
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings

from firstcontact.open311 import views
from firstcontact.open311.redaction import REDACTED, RedactAPIKeys, redact
from firstcontact.servicerequests.models import RequestUpdate, ServiceRequest, UpdateKind
from firstcontact.servicerequests.services import change_status
from tests.open311.conftest import errors_of, run_queued

BASE = "/open311/v2"
NORTH_POINT = {"lat": "51.5", "long": "-1.5"}


def report(key, **extra):
    return {
        "jurisdiction_id": "wessex",
        "api_key": key,
        "service_code": "pothole",
        **NORTH_POINT,
        "attribute[depth]": "deep",
        "attribute[fixmystreet_id]": "4711",
        "description": "Hole by the café",
        **extra,
    }


def form(data: dict, charset: str) -> bytes:
    return urlencode(data, doseq=True, encoding=charset).encode("ascii")


def errors_logged(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


# ------------------------------------------------------------------------------- charsets


@pytest.mark.parametrize("charset", ["latin-1", "ISO-8859-1", "windows-1252", "utf8", "UTF-8"])
def test_a_form_in_a_real_charset_is_decoded_in_it(client, keys, charset, caplog):
    python_charset = "latin-1" if charset in ("ISO-8859-1", "windows-1252") else charset
    response = client.generic(
        "POST",
        f"{BASE}/requests.xml",
        form(report(keys.county), python_charset),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 200, response.content
    assert ServiceRequest.objects.get().description == "Hole by the café"
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("charset", ["klingon", "rot13", "base64", "x" * 80])
def test_a_form_in_an_unknown_charset_gets_a_clear_error_and_no_error_log(
    client, keys, charset, caplog
):
    response = client.generic(
        "POST",
        f"{BASE}/requests.xml",
        form(report(keys.county), "latin-1"),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    [message] = errors_of(response)
    assert message.startswith("Content-Type: The charset") and "UTF-8" in message
    assert errors_logged(caplog) == []
    assert ServiceRequest.objects.count() == 0


def test_a_form_that_is_not_utf8_without_a_charset_is_still_answered(client, keys, caplog):
    """Latin-1 bytes sent as UTF-8: decoded with replacements, never an unexpected error."""
    response = client.generic(
        "POST",
        f"{BASE}/requests.xml",
        form(report(keys.county), "latin-1"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert errors_logged(caplog) == []


# --------------------------------------------------------------- change category and resend


def post(client, data):
    response = client.post(f"{BASE}/requests.json", data)
    return response, (response.json() if response.status_code == 200 else errors_of(response))


def test_a_resend_in_another_category_recategorises_and_reroutes(client, keys, partnership):
    _, first = post(client, report(keys.county))
    reference = first[0]["service_request_id"]
    sr = ServiceRequest.objects.get()
    assert sr.responsible_partner == partnership.county
    # FixMyStreet staff moved it to "missed bin" and resent it under the same id.
    response, again = post(client, report(keys.county, service_code="missed-bin"))
    assert response.status_code == 200, again
    assert again[0]["service_request_id"] == reference
    assert "North Wessex District Council" in again[0]["service_notice"]
    sr.refresh_from_db()
    assert sr.service == partnership.missed_bin
    assert sr.responsible_partner == partnership.north and sr.team == partnership.north_waste
    assert sr.version == 2 and ServiceRequest.objects.count() == 1
    note = sr.updates.get(kind=UpdateKind.NOTE)
    assert not note.public
    assert "from “Pothole” to “Missed bin collection”" in note.text
    assert "re-routed from Wessex County Council to North Wessex District Council" in note.text
    # Its client hears of the move in the county's feed; North now lists it as its own.
    feed = client.get(
        f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "wessex", "api_key": keys.county}
    ).json()
    assert feed[-1]["status"] == "INTERNAL_REFERRAL" and feed[-1]["fixmystreet_id"] == "4711"
    north = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "north"}).json()
    assert [r["service_request_id"] for r in north] == [reference]
    # The same resend again changes nothing more.
    post(client, report(keys.county, service_code="missed-bin"))
    sr.refresh_from_db()
    assert sr.version == 2


def test_a_resend_in_another_category_while_waiting(client, keys, partnership, queued_tasks):
    _, first = post(client, report(keys.county))
    response, again = post(client, report(keys.county, service_code="missed-bin"))
    assert response.status_code == 200
    assert again[0]["service_request_id"] == first[0]["service_request_id"]
    assert "North Wessex" in again[0]["service_notice"]
    run_queued(queued_tasks)
    sr = ServiceRequest.objects.get()
    assert sr.service == partnership.missed_bin and sr.responsible_partner == partnership.north


def test_a_closed_request_cannot_change_category(client, keys, partnership):
    post(client, report(keys.county))
    sr = ServiceRequest.objects.get()
    change_status(user=partnership.highways_officer, request=sr, status="closed", outcome="fixed")
    response, errors = post(client, report(keys.county, service_code="missed-bin"))
    assert response.status_code == 400
    assert errors == [
        f"service_request_id: {sr.formatted_reference} is closed, so its category cannot be "
        "changed: send it as a new report."
    ]
    sr.refresh_from_db()
    assert sr.service == partnership.pothole


def test_a_category_nobody_delivers_there_is_refused(client, keys, partnership):
    post(client, report(keys.county))
    partnership.missed_bin.deliveries.filter(partner=partnership.north).delete()
    response, errors = post(client, report(keys.county, service_code="missed-bin"))
    assert response.status_code == 400 and errors
    assert ServiceRequest.objects.get().service == partnership.pothole


# ------------------------------------------------------------------------------ media URLs


def test_a_bad_media_url_is_dropped_with_a_note_and_the_report_kept(client, keys):
    response, answer = post(
        client,
        report(
            keys.county,
            media_url=["javascript:alert(1)", "https://fms.example.org/photo/1.jpeg"],
        ),
    )
    assert response.status_code == 200, answer
    sr = ServiceRequest.objects.get()
    assert sr.open311_submissions.get().media_urls == ["https://fms.example.org/photo/1.jpeg"]
    note = sr.updates.get(kind=UpdateKind.NOTE)
    assert not note.public and "'javascript:alert(1)' is not a web address" in note.text
    listed = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "wessex"}).json()
    assert listed[0]["media_url"] == "https://fms.example.org/photo/1.jpeg"


def test_a_bad_media_url_on_an_update_is_dropped_with_a_note(client, keys):
    _, first = post(client, report(keys.county))
    response = client.post(
        f"{BASE}/servicerequestupdates.xml",
        {
            "jurisdiction_id": "wessex",
            "api_key": keys.county,
            "service_request_id": first[0]["service_request_id"],
            "update_id": "u1",
            "description": "Still there",
            "media_url": "not a url",
        },
    )
    assert response.status_code == 200
    update = RequestUpdate.objects.get(kind=UpdateKind.CUSTOMER)
    assert (
        update.text.startswith("Still there") and "'not a url' is not a web address" in update.text
    )


# ----------------------------------------------------------------------------- logging


def test_redact_removes_keys_wherever_they_are(keys):
    key = keys.county
    for text in (
        f"GET /open311/v2/servicerequestupdates.xml?jurisdiction_id=wessex&api_key={key} 200",
        f"api_key%3D{key}",
        f"<QueryDict: {{'api_key': ['{key}'], 'x': ['1']}}>",
        f"ValueError: bad key {key}",
    ):
        cleaned = redact(text)
        assert key not in cleaned and REDACTED in cleaned
    assert redact("jurisdiction_id=wessex&status=open") == "jurisdiction_id=wessex&status=open"


def test_every_log_handler_redacts_api_keys():
    config = django_settings.LOGGING
    assert config["filters"]["redact_api_keys"]["()"].endswith("RedactAPIKeys")
    for name, handler in config["handlers"].items():
        assert "redact_api_keys" in handler.get("filters", []), name


def _output_of(logger_name: str, emit) -> str:
    """What the configured handlers write for records emitted by `emit` on `logger_name`."""
    stream = io.StringIO()
    logger = logging.getLogger(logger_name)
    handlers = logger.handlers if not logger.propagate else logging.getLogger().handlers
    filtered = [h for h in handlers if any(isinstance(f, RedactAPIKeys) for f in h.filters)]
    assert filtered, f"no handler with the filter for {logger_name}"
    old = [h.setStream(stream) for h in filtered]
    try:
        emit(logger)
    finally:
        for handler, previous in zip(filtered, old, strict=True):
            handler.setStream(previous)
    return stream.getvalue()


def test_an_unexpected_error_logs_no_api_key(client, keys, monkeypatch):
    key = keys.county

    def broken(**kwargs):
        raise RuntimeError(f"failed for {kwargs['client']} with api_key={key}")

    monkeypatch.setattr(views, "accept_report", broken)

    def emit(_logger):
        response = client.post(f"{BASE}/requests.xml?api_key={key}", report(key))
        assert response.status_code == 400

    output = _output_of("firstcontact.open311", emit)
    assert "Open311: unexpected error" in output and "RuntimeError" in output
    assert key not in output and REDACTED in output


def test_the_development_servers_request_lines_carry_no_api_key(keys):
    key = keys.county
    line = (
        f"GET /open311/v2/servicerequestupdates.xml?jurisdiction_id=wessex&api_key={key} HTTP/1.1"
    )

    def emit(logger):
        logger.info('"%s" %s %s', line, "200", "512", extra={"status_code": 200})

    output = _output_of("django.server", emit)
    assert "servicerequestupdates.xml" in output and key not in output


def test_the_api_views_hide_the_key_from_error_reports(rf, keys):
    request = rf.post(f"{BASE}/requests.xml", {"api_key": keys.county})
    views.requests_collection(request, "xml")
    assert request.sensitive_post_parameters == ("api_key",)
