"""Form helpers shared by every page: Bootstrap classes and service errors shown on fields."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from shuanglian.core.errors import Conflict, DomainError, InvalidInput

# What a form page shows next to its fields; Forbidden and NotFound go to the 403 and 404 pages.
FORM_ERRORS = (InvalidInput, Conflict)


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap classes and mark invalid fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        # Invalid fields are marked after cleaning, not in __init__: looking at self.errors there
        # would clean the data before a subclass has set its querysets, choices or `required`.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def add_domain_error(self, error: DomainError) -> None:
        """Put a service's error next to the field it names, or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))
        if field:
            widget = self.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class DateInput(forms.DateInput):
    input_type = "date"


class UnechoedInput(forms.TextInput):
    """A text box that never sends a typed value back to the browser.

    ID and phone numbers are personal data: a page re-shown after an error must not carry them.
    """

    def format_value(self, value):
        return None


def blank_first(choices, label=None) -> list:
    """Choices for a select whose empty option means "none" or "any"."""
    return [("", label or "—"), *choices]


@dataclass
class Outcome:
    """What became of a form page's request: saved (with the service's result) or not."""

    saved: bool
    value: Any = None
    status: int = 200


def submit(request, form: StyledForm, write: Callable[[dict], Any]) -> Outcome:
    """Run `write(cleaned_data)` for a valid POSTed form; a refusal is shown on the form.

    Not a POST: status 200, nothing written. Invalid form: 400. A service refusal (FORM_ERRORS):
    its message beside the field it names, and its status (400 or 409).
    """
    if request.method != "POST":
        return Outcome(saved=False)
    if not form.is_valid():
        return Outcome(saved=False, status=400)
    try:
        value = write(form.cleaned_data)
    except FORM_ERRORS as err:
        form.add_domain_error(err)
        return Outcome(saved=False, status=err.status)
    return Outcome(saved=True, value=value)
