from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from firstcontact.accounts.services import normalise_code


class SignInForm(AuthenticationForm):
    """Django's sign-in form (it passes the request to authenticate(), which axes needs) with
    GOV.UK wording."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This login has been switched off. Ask a partnership administrator.",
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(spellcheck="false", autocapitalize="none")
        # Django sets the username field's max_length after building it, so without this a
        # longer one reaches authenticate() (and axes' varchar(255) columns on PostgreSQL).
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(
            MaxLengthValidator(limit, f"Usernames are {limit} characters or fewer")
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        error_messages={"required": "Enter the code", "max_length": "The code is too long"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )

    def __init__(self, *args, hint: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if hint:
            self.fields["code"].help_text = hint

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Enter the code")
        return code


class AppCodeForm(CodeForm):
    """The 6-digit code that confirms a newly added authenticator app."""

    def clean_code(self) -> str:
        code = super().clean_code()
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit code from your app")
        return code
