"""Forms of the alert pages; the services decide what is valid."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.alerts.sources import kind_choices
from shuanglian.core.forms import StyledForm, blank_first

REGION_CODE_FORMAT = _("Enter a region code: 2 to 12 digits.")


class InboxFilterForm(StyledForm):
    kind = forms.ChoiceField(label=pgettext_lazy("alert", "Kind"), required=False)
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=12,
        validators=[RegexValidator(r"^\d{2,12}$", REGION_CODE_FORMAT)],
    )
    dismissed = forms.BooleanField(label=_("Dismissed by me"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read at request time: other apps register their kinds when they load.
        self.fields["kind"].choices = blank_first(kind_choices(), _("all kinds"))


class DismissForm(StyledForm):
    # Not `required`: the service refuses a blank reason with its own message, as the API does.
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why nothing needs to be done; kept in the audit trail."),
    )
