"""GOV.UK Frontend for Django forms: template tags that render form fields with GOV.UK
Frontend's markup (`{% load govuk %}`), and a three-part date field (day, month, year).

    {% load govuk %}
    {% include "includes/error_summary.html" with form=form %}
    <form method="post" novalidate>{% csrf_token %}
      {% govuk_field form.name %}
      {% govuk_field form.date_of_birth hint="For example, 27 3 2007" %}
      {% govuk_field form.reason label_size="l" is_page_heading=True %}
      <button type="submit" class="govuk-button" data-module="govuk-button">Continue</button>
    </form>
"""
