import datetime as dt

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import RequestFactory

from tests.govuk.forms import EveryFieldForm, render_page

INVALID = {
    "full_name": "",
    "email": "someone@example.org",
    "secret": "",
    "details": "",
    "service": "",
    "contact_by": "phone",
    "date_of_birth_day": "31",
    "date_of_birth_month": "2",
    "date_of_birth_year": "2001",
    "token": "x",
}


@pytest.fixture
def request_():
    request = RequestFactory().get("/")
    request.user = None
    return request


def test_fields_render_with_govuk_classes_and_hints(request_):
    html = render_page(EveryFieldForm(), request_)
    assert "<title>Every field – FirstContact</title>" in html
    assert 'class="govuk-error-summary"' not in html
    assert 'class="govuk-input"' in html
    assert 'aria-describedby="id_full_name-hint"' in html
    assert (
        '<div id="id_full_name-hint" class="govuk-hint">As on your council tax bill</div>' in html
    )
    assert 'class="govuk-input govuk-input--width-20"' in html
    assert "govuk-password-input__input" in html and 'aria-controls="id_secret"' in html
    assert 'class="govuk-textarea"' in html and 'rows="4"' in html
    assert 'class="govuk-select"' in html
    assert 'class="govuk-radios govuk-radios--inline" data-module="govuk-radios"' in html
    assert 'id="id_contact_by_1" name="contact_by" type="radio" value="phone"' in html
    assert 'class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes"' in html
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_hazards-hint">' in html
    assert 'id="id_agree" name="agree" type="checkbox" value="on"' in html
    assert (
        '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_date_of_birth-hint">'
        in html
    )
    assert 'id="id_date_of_birth_year" name="date_of_birth_year"' in html
    assert 'type="hidden" name="token"' in html


def test_errors_give_a_summary_linking_to_each_field_and_messages_by_the_fields(request_):
    form = EveryFieldForm(INVALID)
    assert not form.is_valid()
    html = render_page(form, request_)
    assert "<title>Error: Every field – FirstContact</title>" in html
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in html
    # A non-field error links to the first field; each field error to its control.
    assert '<a href="#id_full_name">Give a phone number if we should phone you</a>' in html
    assert '<a href="#id_full_name">This field is required.</a>' in html
    assert '<a href="#id_contact_by_0">' not in html  # contact_by is valid
    assert '<a href="#id_hazards_0">This field is required.</a>' in html
    assert '<a href="#id_date_of_birth_day">Enter a real date</a>' in html
    assert '<a href="#id_agree">This field is required.</a>' in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert 'aria-describedby="id_full_name-hint id_full_name-error"' in html
    assert (
        '<p id="id_full_name-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> This field is required.</p>'
    ) in html
    assert "govuk-input govuk-input--error" in html
    assert "govuk-select govuk-select--error" in html
    assert "govuk-textarea govuk-textarea--error" in html
    # The date keeps what was typed.
    assert 'name="date_of_birth_day" type="text" inputmode="numeric" value="31"' in html


@pytest.mark.parametrize(
    ("day", "month", "year", "result"),
    [
        ("27", "3", "2007", dt.date(2007, 3, 27)),
        (" 1 ", "01", "1990", dt.date(1990, 1, 1)),
        ("", "", "", "Enter a date"),
        ("27", "", "2007", "Enter a complete date: day, month and year"),
        ("30", "2", "2000", "Enter a real date"),
        ("x", "2", "2000", "Enter a real date"),
        ("1", "2", "99", "Year must include 4 numbers"),
    ],
)
def test_date_input_field(day, month, year, result):
    form = EveryFieldForm(
        {"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}
    )
    form.is_valid()
    if isinstance(result, dt.date):
        assert form.cleaned_data["date_of_birth"] == result
    else:
        assert form.errors["date_of_birth"] == [result]


def test_date_input_shows_an_initial_date(request_):
    html = render_page(EveryFieldForm(initial={"date_of_birth": dt.date(2007, 3, 27)}), request_)
    assert 'name="date_of_birth_month" type="text" inputmode="numeric" value="3"' in html


def test_govuk_field_needs_a_bound_field():
    template = engines["django"].from_string("{% load govuk %}{% govuk_field form.nothing %}")
    with pytest.raises(TemplateSyntaxError):
        template.render({"form": EveryFieldForm()})
