from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.core.forms import DateInput, StyledForm, blank_first
from shuanglian.projects.models import FundingSource, ProjectStatus, ProjectType
from shuanglian.units.selectors import visible_units

VILLAGE_CODE_FORMAT = _("Enter the 12-digit code of the village, e.g. 620522104200 for 暖泉村.")
REGION_PREFIX_FORMAT = _("Enter a region code: 2 to 12 digits.")


class ProjectFilterForm(StyledForm):
    """The filters above the project list; every field optional."""

    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=12,
        validators=[RegexValidator(r"^\d{2,12}$", REGION_PREFIX_FORMAT)],
        help_text=_("A village, or a township or county for all its villages."),
    )
    type = forms.ChoiceField(
        label=_("Project type"),
        required=False,
        choices=blank_first(ProjectType.choices, _("all types")),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=blank_first(ProjectStatus.choices, _("all statuses")),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2999)


def _unit_choices(user):
    return [(unit.pk, unit.name) for unit in visible_units(user).order_by("name", "id")]


class ProjectForm(StyledForm):
    village = forms.CharField(
        label=_("Village code"),
        max_length=12,
        validators=[RegexValidator(r"^\d{12}$", VILLAGE_CODE_FORMAT)],
        help_text=_("The 12-digit code of the village. Find codes with the region search."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Project name"), max_length=200)
    type = forms.ChoiceField(label=_("Project type"), choices=blank_first(ProjectType.choices))
    year = forms.IntegerField(label=_("Year"))
    quantity = forms.CharField(label=_("Quantity"), required=False, max_length=20)
    quantity_unit = forms.CharField(
        label=_("Unit of quantity"),
        required=False,
        max_length=20,
        help_text=_("Leave empty for the usual unit of the type (km, households, mu, m²)."),
    )
    budget = forms.CharField(label=_("Budget (yuan)"), required=False, max_length=20)
    lead_unit = forms.TypedChoiceField(
        label=_("Leading unit"), required=False, coerce=int, empty_value=None
    )
    contributing_units = forms.TypedMultipleChoiceField(
        label=_("Contributing units"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _unit_choices(user)
        self.fields["lead_unit"].choices = blank_first(choices)
        self.fields["contributing_units"].choices = choices
        if creating:
            self.fields["planned_on"] = forms.DateField(
                label=_("Planned on"),
                required=False,
                widget=DateInput(attrs={"class": "form-control"}),
                help_text=_("When the project was planned; today if left empty."),
            )
        else:
            self.fields["progress"] = forms.IntegerField(
                label=_("Progress (%)"),
                help_text=_("Completed and accepted projects stay at 100 %."),
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["village_code"] = data.pop("village")
        data["lead_unit_id"] = data.pop("lead_unit")
        data["contributing_unit_ids"] = data.pop("contributing_units")
        return data


class StatusForm(StyledForm):
    to_status = forms.ChoiceField(label=_("New status"), choices=ProjectStatus.choices)
    changed_on = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("changed_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class FundingForm(StyledForm):
    source = forms.ChoiceField(label=_("Source"), choices=blank_first(FundingSource.choices))
    # Text, not a number field: the service says what a valid amount is, in one message.
    amount = forms.CharField(
        label=_("Amount (yuan)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    unit = forms.TypedChoiceField(
        label=_("Contributing unit"), required=False, coerce=int, empty_value=None
    )
    raised_by = forms.TypedChoiceField(
        label=_("Raised by"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The cadre who raised the money: a cadre of the contributing unit."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, user, raisers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = blank_first(_unit_choices(user))
        by_unit: dict[str, list] = {}
        for cadre in raisers:
            by_unit.setdefault(cadre.unit.name, []).append((cadre.pk, cadre.name))
        self.fields["raised_by"].choices = blank_first(list(by_unit.items()))

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["unit_id"] = data.pop("unit")
        data["raised_by_id"] = data.pop("raised_by")
        return data


class ReverseForm(StyledForm):
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=200)


class PhotoForm(StyledForm):
    # Named like the field core.photos names in its errors, so they show beside it.
    photos = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG or PNG; the location is removed unless you keep it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)
    keep_gps = forms.BooleanField(label=_("Keep the photo's location"), required=False)
