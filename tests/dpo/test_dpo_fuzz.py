"""Property-based: whatever a DPO types or posts into the search, the audit search, the
subject access forms and the export, the answer is a page (or a file), never a 500."""

from __future__ import annotations

import os

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dpo.conftest import signed_in

SETTINGS = settings(
    max_examples=int(os.environ.get("DPO_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

nasty = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e309",
        "9" * 400,
        "١٢٣",
        "²",
        "#12",
        "\x00",
        "\ufffe",
        "😀",
        "'; DROP TABLE privacy_auditevent; --",
        "%",
        "_",
        "harriet.ambleside@example.org",
        "@",
        "0114 496 0111",
        "+44",
        "WX3 4AB",
        "100012345678",
        "Harriet Ambelside",
        "9999",
        "0001",
        "31",
        "13",
        "2026",
        "view",
        "csv",
        "sent",
        "refused",
        "open",
    ]
)
text = st.one_of(nasty, st.text(max_size=40))
FIELDS = [
    "q",
    "customer",
    "username",
    "starts_day",
    "starts_month",
    "starts_year",
    "ends_day",
    "ends_month",
    "ends_year",
    "action",
    "page",
    "format",
    "status",
]
params = st.dictionaries(st.sampled_from(FIELDS), text, max_size=8)


@SETTINGS
@given(data=params, page=st.sampled_from(["dpo:people", "dpo:audit", "dpo:sar_list"]))
def test_random_searches_never_fail(client, dpos, person, data, page):
    response = signed_in(client, dpos.county).get(reverse(page), data)
    assert response.status_code in {200, 302}
    if response.streaming:
        b"".join(response.streaming_content)


request_fields = st.dictionaries(
    st.sampled_from(
        [
            "customer",
            "received_on_day",
            "received_on_month",
            "received_on_year",
            "requester",
            "identity_check",
            "status",
            "refusal_reason",
            "also",
        ]
    ),
    text,
    max_size=9,
)


@SETTINGS
@given(data=request_fields, customer=st.one_of(nasty, st.text(max_size=12)))
def test_random_subject_access_forms_never_fail(client, dpos, person, sar, data, customer):
    client = signed_in(client, dpos.partnership)
    response = client.post(reverse("dpo:sar_new") + "?" + _query(customer), data)
    assert response.status_code in {200, 302, 404}
    response = client.post(reverse("dpo:sar_status", args=[sar.pk]), data)
    assert response.status_code in {200, 302}


@SETTINGS
@given(also=st.lists(st.one_of(nasty, st.integers(-5, 10**6).map(str)), max_size=4))
def test_random_export_choices_never_fail(client, dpos, person, sar, also):
    response = signed_in(client, dpos.county).post(
        reverse("dpo:sar_export", args=[sar.pk]), {"also": also}
    )
    assert response.status_code == 200
    if response.streaming:
        assert b"".join(response.streaming_content).startswith(b"PK")
    else:
        assert "There is a problem" in response.content.decode()


def _query(customer: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"customer": customer})
