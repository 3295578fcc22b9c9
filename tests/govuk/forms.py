"""A form with every kind of field `{% govuk_field %}` renders, for the tests here and in
tests/browser."""

from django import forms
from django.template import engines

from firstcontact.govuk.forms import DateInputField


class EveryFieldForm(forms.Form):
    full_name = forms.CharField(label="Full name", help_text="As on your council tax bill")
    email = forms.EmailField(label="Email address", required=False)
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)
    details = forms.CharField(label="What happened?", widget=forms.Textarea(attrs={"rows": 4}))
    service = forms.ChoiceField(
        label="Service", choices=[("", "Choose a service"), ("bins", "Bins"), ("roads", "Roads")]
    )
    contact_by = forms.ChoiceField(
        label="How should we contact you?",
        choices=[("email", "Email"), ("phone", "Phone")],
        widget=forms.RadioSelect,
    )
    hazards = forms.MultipleChoiceField(
        label="What else is there?",
        choices=[("kerb", "Damaged kerb"), ("water", "Standing water")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    agree = forms.BooleanField(label="I agree to the terms")
    date_of_birth = DateInputField(label="Date of birth", help_text="For example, 27 3 2007")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") and cleaned.get("contact_by") == "phone":
            raise forms.ValidationError("Give a phone number if we should phone you")
        return cleaned


PAGE = """{% extends "base.html" %}{% load govuk %}
{% block title %}Every field{% endblock %}
{% block content %}
{% include "includes/error_summary.html" with form=form %}
<h1 class="govuk-heading-l">Every field</h1>
<form method="post" novalidate>
  {% govuk_field form.full_name %}
  {% govuk_field form.email classes="govuk-input--width-20" %}
  {% govuk_field form.secret %}
  {% govuk_field form.details %}
  {% govuk_field form.service %}
  {% govuk_field form.contact_by inline=True %}
  {% govuk_field form.hazards small=True %}
  {% govuk_field form.agree %}
  {% govuk_field form.date_of_birth %}
  {% govuk_field form.token %}
  <button type="submit" class="govuk-button" data-module="govuk-button">Continue</button>
</form>
{% endblock %}"""


def render_page(form, request=None) -> str:
    return engines["django"].from_string(PAGE).render({"form": form}, request)
