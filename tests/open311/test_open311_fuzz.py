"""Property-based: whatever a client sends, the answer is a well-formed GeoReport document
and never a 5xx (nor an error logged by the safety net)."""

from __future__ import annotations

import json
import logging
import os
from xml.etree import ElementTree as ET

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from firstcontact.open311.models import Open311Submission

BASE = "/open311/v2"
SETTINGS = settings(
    max_examples=int(os.environ.get("OPEN311_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

nasty = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-0",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e309",
        "1e-400",
        "91",
        "-181",
        "9" * 400,
        "1e999999999",
        "0x10",
        "١٢٣",
        "null",
        "true",
        "[]",
        "{}",
        "<x/>",
        "&amp;",
        "']]>",
        "\x00",
        "\x07\x1b",
        "\ufffe",
        "😀" * 3,
        "a,b,,c",
        "WX1 1AA",
        "ABCD-EFGH",
        "2026-13-45T25:61:00Z",
        "9999-12-31T23:59:59+14:00",
        "0001-01-01",
        "javascript:alert(1)",
        "https://example.org/a",
        "x@y",
        "a@example.org",
        "0113 496 0123",
        "+4411",
        "pothole",
        "missed-bin",
        "deep",
        "kerb",
    ]
)
short_text = st.one_of(nasty, st.text(max_size=40))
value = st.one_of(short_text, st.lists(short_text, max_size=4))
long_text = st.one_of(short_text, st.text(min_size=3990, max_size=4100), st.just("x" * 10_001))


def fields(api_key: str) -> dict:
    return {
        "jurisdiction_id": st.one_of(st.sampled_from(["wessex", "north", "nowhere"]), value),
        "api_key": st.one_of(st.just(api_key), value),
        "service_code": st.one_of(st.sampled_from(["pothole", "missed-bin", "asb"]), value),
        "lat": st.one_of(st.floats(allow_nan=True).map(str), value),
        "long": st.one_of(st.floats(allow_nan=True).map(str), value),
        "address_string": value,
        "address_id": value,
        "email": value,
        "phone": value,
        "first_name": value,
        "last_name": st.one_of(value, st.just("y" * 150)),
        "device_id": value,
        "account_id": value,
        "description": long_text,
        "media_url": value,
        "client_request_id": value,
        "attribute[depth]": value,
        "attribute[hazards]": value,
        "attribute[hazards][]": value,
        "attribute[width_cm]": st.one_of(st.integers().map(str), st.floats().map(str), value),
        "attribute[fixmystreet_id]": value,
        "attribute[]": value,
        "attribute[[]]": value,
    }


def form(api_key: str):
    """A valid report with a few fields replaced, removed or added: most examples get past
    authentication, and many all the way to a new request."""
    valid = {
        "jurisdiction_id": "wessex",
        "api_key": api_key,
        "service_code": "pothole",
        "lat": "51.5",
        "long": "-1.5",
        "attribute[depth]": "deep",
        "description": "A hole",
        "email": "a@example.org",
        "last_name": "Lee",
    }
    choices = fields(api_key)
    changed = st.lists(st.sampled_from(sorted(choices)), max_size=4, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({n: choices[n] for n in names})
    )
    removed = st.lists(st.sampled_from(sorted(valid)), max_size=2, unique=True)
    extra = st.dictionaries(short_text, value, max_size=2)
    return st.tuples(changed, removed, extra).map(
        lambda t: {
            **t[2],
            **{k: v for k, v in valid.items() if k not in t[1]},
            **t[0],
        }
    )


def assert_document(response, fmt: str) -> None:
    assert response.status_code < 500, response.content[:500]
    if response.status_code == 200 or response.status_code >= 400:
        if fmt == "json":
            json.loads(response.content)
        else:
            assert response["Content-Type"] == "text/xml; charset=utf-8"
            ET.fromstring(response.content)


@SETTINGS
@given(
    data=st.data(),
    fmt=st.sampled_from(["xml", "json"]),
    multipart=st.booleans(),
    photo=st.one_of(st.none(), st.binary(max_size=64), st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)),
)
def test_random_post_requests_never_get_a_5xx(client, keys, caplog, data, fmt, multipart, photo):
    payload = data.draw(form(keys.county))
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="firstcontact.open311"):
        if multipart or photo is not None:
            if photo is not None:
                payload["photo1"] = SimpleUploadedFile("p", photo)
            response = client.post(f"{BASE}/requests.{fmt}", payload)
        else:
            from urllib.parse import urlencode

            response = client.post(
                f"{BASE}/requests.{fmt}",
                urlencode(payload, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )
    event(f"HTTP {response.status_code}")
    assert_document(response, fmt)
    assert not caplog.records, caplog.text
    # Every report accepted was raised by its task (run at once in tests), none left waiting.
    assert not Open311Submission.objects.filter(service_request__isnull=True).exists()


@SETTINGS
@given(
    data=st.data(),
    fmt=st.sampled_from(["xml", "json"]),
    path=st.sampled_from(
        [
            "requests",
            "servicerequestupdates",
            "services",
            "services/pothole",
            "requests/ABCD-EFGH",
            "tokens/x",
            "discovery",
        ]
    ),
)
def test_random_get_parameters_never_get_a_5xx(client, keys, caplog, data, fmt, path):
    params = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "jurisdiction_id": st.one_of(st.sampled_from(["wessex", "north"]), short_text),
                "api_key": st.one_of(st.just(keys.county), short_text),
                "service_request_id": value,
                "service_code": value,
                "start_date": value,
                "end_date": value,
                "status": st.one_of(st.sampled_from(["open", "closed", "open,closed"]), value),
            },
        )
    )
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="firstcontact.open311"):
        response = client.get(f"{BASE}/{path}.{fmt}", params)
    event(f"HTTP {response.status_code}")
    assert_document(response, fmt)
    assert not caplog.records, caplog.text
