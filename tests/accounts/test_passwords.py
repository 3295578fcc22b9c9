"""Password rules after the NCSC's guidance: long enough (12 to 128), not a common password,
no composition rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def messages(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize(
    "password",
    [
        "three random words",  # lower case and spaces: fine
        "correcthorsebattery",
        "a" * 11 + "Z",
        "x" * 128,
        "firstcontact-demo",  # the demo's
    ],
)
def test_long_enough_passwords_pass_without_composition_rules(password):
    assert messages(password) == []


def test_short_long_and_common_passwords_fail():
    assert any("at least 12 characters" in m for m in messages("Tr0ub4dor&3"))
    assert messages("y" * 129) == ["This password is too long. It must be 128 characters or fewer."]
    assert any("too common" in m for m in messages("password1234"))


def test_a_password_like_the_username_fails():
    user = User(username="gareth.lewis.wessex", email="gareth.lewis@wessex.example.org")
    assert any("too similar" in m for m in messages("gareth.lewis.wessex", user))
