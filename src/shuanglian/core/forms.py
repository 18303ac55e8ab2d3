"""Form helpers shared by every page: Bootstrap classes and service errors shown on fields."""

from django import forms

from shuanglian.core.errors import DomainError


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap classes and mark invalid fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_domain_error(self, error: DomainError) -> None:
        """Put a service's error next to the field it names, or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))
        if field:
            widget = self.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class DateInput(forms.DateInput):
    input_type = "date"
