"""Property-based: whatever is typed into the sign-in form or the code form, the answer is a
page (200), a redirect or the lockout page, never a server error."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import add_authenticator, add_recovery_codes

SETTINGS = settings(
    max_examples=int(os.environ.get("SIGN_IN_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
nasty = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "hub-adviser",
        "hub-adviser\x00",
        "HUB-ADVISER",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "😀" * 40,
        "x" * 151,
        "x" * 5000,
        "\ud7ff\ue000\ufffd",
        "000000",
        "123 456",
        "abcd-2345",
        "-1",
        "1e9",
        "９９９９９９",  # full-width digits
        "http://evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
    ]
)
text = st.one_of(nasty, st.text(max_size=200))
field = st.one_of(text, st.lists(text, max_size=3))


def stays_on_this_site(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


def post_data(**fields) -> dict:
    return {k: v for k, v in fields.items() if v is not None}


@pytest.mark.django_db
@SETTINGS
@given(
    username=st.one_of(st.none(), field),
    password=st.one_of(st.none(), field),
    next_url=st.one_of(st.none(), field),
)
def test_the_sign_in_form_never_fails(client, partnership, axes_on, username, password, next_url):
    data = post_data(username=username, password=password, next=next_url)
    response = client.post("/accounts/login/", data)
    assert response.status_code in {200, 302, 429}, response.status_code
    if response.status_code == 302:
        assert stays_on_this_site(response["Location"])
        client.post("/accounts/logout/")


@pytest.mark.django_db
@SETTINGS
@given(code=st.one_of(st.none(), field), next_url=st.one_of(st.none(), field))
def test_the_code_form_never_fails(client, partnership, required, code, next_url):
    add_authenticator(partnership.hub_adviser)
    add_recovery_codes(partnership.hub_adviser, "abcd2345")
    client.force_login(partnership.hub_adviser)
    for url in ["/accounts/two-factor/verify/", "/accounts/two-factor/set-up/"]:
        response = client.post(url, post_data(code=code, next=next_url))
        assert response.status_code in {200, 302}, (url, response.status_code)
        if response.status_code == 302:
            assert stays_on_this_site(response["Location"])
