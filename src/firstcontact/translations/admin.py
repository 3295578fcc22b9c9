from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from firstcontact.admin_site import site
from firstcontact.partners.admin import PartnershipAdminPermissions
from firstcontact.translations.models import TRANSLATABLE, Translation, source_text
from firstcontact.translations.services import _check_field


def _translatable_types():
    ids = []
    for label in TRANSLATABLE:
        app_label, model = label.split(".")
        ct = ContentType.objects.filter(app_label=app_label, model=model).first()
        if ct is not None:
            ids.append(ct.pk)
    return ContentType.objects.filter(pk__in=ids)


class TranslationForm(forms.ModelForm):
    class Meta:
        model = Translation
        fields = ["content_type", "object_id", "field", "language", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_type"].queryset = _translatable_types()
        self.fields["content_type"].label = "What is translated"

    def clean(self):
        data = super().clean()
        content_type, pk, field = (
            data.get("content_type"),
            data.get("object_id"),
            data.get("field"),
        )
        if content_type and pk and field:
            model = content_type.model_class()
            obj = model.objects.filter(pk=pk).first() if model else None
            if obj is None:
                raise ValidationError({"object_id": "There is no such object."})
            _check_field(obj, field)
            self.instance.source = source_text(obj, field)
            if not self.instance.source:
                raise ValidationError({"field": "There is no English to translate."})
        return data


@admin.register(Translation, site=site)
class TranslationAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    form = TranslationForm
    list_display = ["__str__", "language", "source", "text", "is_current"]
    list_filter = ["language", "content_type"]
    search_fields = ["source", "text"]
    readonly_fields = ["source", "updated_at"]

    @admin.display(boolean=True, description="English unchanged")
    def is_current(self, obj: Translation) -> bool:
        return obj.is_current
