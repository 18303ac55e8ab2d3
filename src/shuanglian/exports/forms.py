from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.forms import StyledForm
from shuanglian.core.services import REVEAL_REASON_MAX
from shuanglian.exports.models import ExportFormat


class ExportForm(StyledForm):
    format = forms.ChoiceField(
        label=pgettext_lazy("export", "Format"),
        choices=ExportFormat.choices,
        initial=ExportFormat.XLSX,
        widget=forms.RadioSelect,
    )
    reveal = forms.BooleanField(
        label=_("Reveal ID and phone numbers in full in the export"), required=False
    )
    reason = forms.CharField(
        label=pgettext_lazy("export", "Reason"),
        max_length=REVEAL_REASON_MAX,
        required=False,
        help_text=_("Needed to reveal; recorded in the audit trail with your name."),
    )

    def __init__(self, *args, may_reveal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].widget.attrs["class"] = "form-check-input"
        if not may_reveal:
            # Only those with the permission see the choice; the service refuses the others.
            del self.fields["reveal"]
            del self.fields["reason"]
