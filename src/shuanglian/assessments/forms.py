from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from shuanglian.assessments.models import Rule
from shuanglian.core.forms import DateInput, StyledForm, blank_first

REGION_CODE_FORMAT = _("Enter the 12-digit code of the region, e.g. 620522000000 for 秦安县.")


class SchemeForm(StyledForm):
    name = forms.CharField(label=_("Scheme name"), max_length=200)
    region = forms.CharField(
        label=_("Region code"),
        max_length=12,
        validators=[RegexValidator(r"^\d{12}$", REGION_CODE_FORMAT)],
        help_text=_(
            "The units paired with villages of this region during the period are assessed, on "
            "their work in its villages."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    period_start = forms.DateField(label=_("Period start"), widget=DateInput)
    period_end = forms.DateField(label=_("Period end"), widget=DateInput)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["region_code"] = data.pop("region")
        return data


class IndicatorForm(StyledForm):
    rule = forms.ChoiceField(label=_("Scoring rule"), choices=blank_first(Rule.choices))
    name = forms.CharField(
        label=_("Indicator name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the rule's name."),
    )
    weight = forms.CharField(label=_("Weight"), max_length=12)
    target = forms.CharField(
        label=_("Target (full marks)"),
        max_length=20,
        help_text=_("The value that scores 100; above it the score stays 100."),
    )
    floor = forms.CharField(
        label=_("Floor (no marks)"),
        max_length=20,
        required=False,
        help_text=_("The value that scores 0; the score grows linearly up to the target."),
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["rule"]


class AdjustmentForm(StyledForm):
    points = forms.CharField(
        label=_("Points (+ or −)"),
        max_length=8,
        help_text=_("Added to the computed score, e.g. 2 or -1.5."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=_("Supporting document"),
        required=False,
        help_text=_("Optional: PDF, image, Word or Excel, up to 10 MB."),
    )


class ConfirmForm(StyledForm):
    """A POST with no fields: the confirmation of compute, freeze or publish."""
