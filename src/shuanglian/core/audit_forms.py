"""The audit search form. It only collects text: core.audit_selectors.audit_filters checks it."""

from django import forms
from django.utils.translation import pgettext_lazy

from shuanglian.core.audit_selectors import FIELD_LABELS, OBJECT_TYPES
from shuanglian.core.forms import StyledForm, blank_first
from shuanglian.core.models import AuditAction


def _text(name: str, **attrs) -> forms.CharField:
    return forms.CharField(
        label=FIELD_LABELS[name], required=False, widget=forms.TextInput(attrs=attrs)
    )


def _select(name: str, choices, blank_label) -> forms.CharField:
    return forms.CharField(
        label=FIELD_LABELS[name],
        required=False,
        widget=forms.Select(choices=blank_first(choices, blank_label)),
    )


class _Date(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        # Whatever was typed is shown back as typed, so a wrong date can be corrected.
        return value or None


class AuditFilterForm(StyledForm):
    user = _text("user", autocomplete="off", spellcheck="false")
    object_type = _select(
        "object_type",
        list(OBJECT_TYPES.items()),
        pgettext_lazy("audit filter", "All record types"),
    )
    object_id = _text("object_id", autocomplete="off")
    action = _select("action", AuditAction.choices, pgettext_lazy("audit filter", "All actions"))
    date_from = forms.CharField(label=FIELD_LABELS["date_from"], required=False, widget=_Date())
    date_to = forms.CharField(label=FIELD_LABELS["date_to"], required=False, widget=_Date())
