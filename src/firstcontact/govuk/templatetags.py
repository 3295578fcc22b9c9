"""The `govuk` template library: form fields and error summaries with GOV.UK Frontend markup.

Registered in settings.TEMPLATES as the library `govuk`, so templates use `{% load govuk %}`.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from firstcontact.govuk.forms import DATE_PARTS, DateInputWidget

register = template.Library()

LABEL_SIZES = {"s", "m", "l", "xl"}
DATE_PART_LABELS = {"day": _("Day"), "month": _("Month"), "year": _("Year")}


def field_kind(field: BoundField) -> str:
    """Which GOV.UK component renders this field."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, DateInputWidget):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    return "input"


def error_target(field: BoundField) -> str:
    """The id of the element an error summary link for this field should move focus to."""
    kind = field_kind(field)
    if kind == "date":
        return f"{field.auto_id}_{DATE_PARTS[0]}"
    if kind in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.filter
def govuk_error_list(form: forms.BaseForm) -> list[dict[str, str]]:
    """The form's errors for an error summary: [{"text", "href"}], field errors linking to
    their field, errors not about one field linking to the form's first field."""
    if form is None or not form.errors:
        return []
    visible = form.visible_fields()
    first = f"#{error_target(visible[0])}" if visible else ""
    errors = [{"text": str(error), "href": first} for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            if field.is_hidden:
                errors.append({"text": f"{field.label}: {error}", "href": ""})
            else:
                errors.append({"text": str(error), "href": f"#{error_target(field)}"})
    return errors


def _classes(*names: str | None) -> str:
    return " ".join(name for name in names if name)


@register.simple_tag
def govuk_field(
    field: BoundField,
    *,
    label: str | None = None,
    hint: str | None = None,
    label_size: str = "",
    is_page_heading: bool = False,
    classes: str = "",
    inline: bool = False,
    small: bool = False,
) -> SafeString:
    """Render a bound field as a GOV.UK form group: label (or fieldset and legend), hint, error
    message, and the control, with aria-describedby pointing at the hint and the error.

    label_size: "s", "m", "l" or "xl"; is_page_heading wraps the label or legend in an <h1>;
    classes: added to the control (e.g. "govuk-input--width-10"); inline and small: for radios
    and checkboxes. The hint defaults to the field's help_text.
    """
    if not isinstance(field, BoundField):
        raise template.TemplateSyntaxError(f"govuk_field needs a form field, not {field!r}")
    kind = field_kind(field)
    if kind == "hidden":
        return SafeString(str(field))
    if label_size and label_size not in LABEL_SIZES:
        raise template.TemplateSyntaxError(f"label_size must be one of {sorted(LABEL_SIZES)}")

    field_id = field.auto_id
    hint = field.help_text if hint is None else hint
    hint_id = f"{field_id}-hint" if hint else ""
    error_id = f"{field_id}-error" if field.errors else ""
    describedby = _classes(hint_id, error_id)
    fieldset = kind in {"radios", "checkboxes", "date"}
    size_class = f"govuk-{'fieldset__legend' if fieldset else 'label'}--{label_size}"
    context = {
        "field": field,
        "kind": kind,
        "id": field_id,
        "label": field.label if label is None else label,
        "label_classes": size_class if label_size else "",
        "is_page_heading": is_page_heading,
        "hint": hint,
        "hint_id": hint_id,
        "error_id": error_id,
        "describedby": describedby,
        "classes": classes,
    }
    if kind in {"input", "password", "textarea", "select"}:
        base = {
            "input": "govuk-input",
            "password": "govuk-input",
            "textarea": "govuk-textarea",
            "select": "govuk-select",
        }[kind]
        attrs = {
            "class": _classes(
                base,
                f"{base}--error" if field.errors else "",
                "govuk-password-input__input govuk-js-password-input-input"
                if kind == "password"
                else "",
                classes,
                field.field.widget.attrs.get("class"),
            )
        }
        if kind == "password":
            attrs.update(spellcheck="false", autocapitalize="none")
        if describedby:
            attrs["aria-describedby"] = describedby
        context["control"] = field.as_widget(attrs=attrs)
    elif kind in {"radios", "checkboxes"}:
        context["items"] = [
            {
                "id": sub.data["attrs"]["id"],
                "name": sub.data["name"],
                "value": sub.data["value"],
                "label": sub.data["label"],
                "checked": sub.data["selected"],
            }
            for sub in field.subwidgets
        ]
        prefix = "govuk-radios" if kind == "radios" else "govuk-checkboxes"
        context["module"] = prefix
        context["group_classes"] = _classes(
            prefix,
            f"{prefix}--inline" if inline else "",
            f"{prefix}--small" if small else "",
            classes,
        )
    elif kind == "checkbox":
        context["checked"] = bool(field.value())
        context["group_classes"] = _classes(
            "govuk-checkboxes", "govuk-checkboxes--small" if small else "", classes
        )
    elif kind == "date":
        values = field.value()
        if not isinstance(values, list | tuple):
            values = field.field.widget.decompress(values)
        names = field.field.widget.widgets_names
        context["parts"] = [
            {
                "id": f"{field_id}_{part}",
                "name": f"{field.html_name}{suffix}",
                "label": DATE_PART_LABELS[part],
                "value": "" if value is None else value,
                "width": "govuk-input--width-4" if part == "year" else "govuk-input--width-2",
            }
            for part, suffix, value in zip(DATE_PARTS, names, values, strict=True)
        ]
    return render_to_string(f"govuk/fields/{kind}.html", context)
