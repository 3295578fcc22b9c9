"""Password rules after the NCSC's guidance: long enough, not a common password, no
composition rules (no "one capital, one digit, one symbol"), and an upper bound only so that a
huge "password" cannot make the hasher work for minutes."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long. It must be {self.max_length} characters or fewer.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"Your password must be {self.max_length} characters or fewer."
