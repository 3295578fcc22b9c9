"""The Django admin, for partnership administrators only."""

from urllib.parse import urlencode

from django.contrib import admin
from django.forms import BaseForm
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse

from firstcontact.partners.selectors import is_partnership_admin


class PartnershipAdminSite(admin.AdminSite):
    site_header = "FirstContact partnership administration"
    site_title = "FirstContact admin"
    index_title = "Partners, services, teams and staff"

    def has_permission(self, request) -> bool:
        from firstcontact.accounts.services import second_factor_satisfied

        # The second factor is checked by middleware on every staff page; here as well, so
        # the admin never relies on the middleware being in place.
        return is_partnership_admin(request.user) and second_factor_satisfied(request.user)

    def login(self, request, extra_context=None):
        """The staff sign-in (password, then the second factor), not the admin's own form."""
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


site = PartnershipAdminSite(name="admin")


def _name_the_controls(form: BaseForm) -> None:
    """Tables of forms (tabular inlines, list_editable) show each field's label only as a column
    heading, so a screen reader meets controls with no name (axe: select-name, label). Name
    each control after its column and, where the row is a saved record, that record."""
    record = form.instance if getattr(form.instance, "pk", None) else None
    for field in form.fields.values():
        widget = getattr(field.widget, "widget", field.widget)  # inside the "+" wrapper
        if widget.is_hidden:
            continue
        label = str(field.label or "").strip()
        widget.attrs.setdefault("aria-label", f"{label}: {record}" if record else label)


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form: BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        _name_the_controls(form)


class LabelledModelFormSet(BaseModelFormSet):
    def add_fields(self, form: BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        _name_the_controls(form)


class NamedControlsAdmin:
    """Mixed into every ModelAdmin and inline of the site: named controls in tables of forms."""

    formset = LabelledInlineFormSet  # read by inlines only

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=LabelledModelFormSet, **kwargs)
