"""Forms of the assistance pages; the services check the rules, these only shape the input."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance.models import (
    DeedType,
    FollowUpStatus,
    MeasureStatus,
    MeasureType,
    VisitMode,
)
from shuanglian.core.forms import DateInput, StyledForm, blank_first

REQUEST_ROWS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one file input (a phone's gallery allows picking many)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "multiple": True})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


class PhotoFields(StyledForm):
    photos = MultiplePhotoField(
        label=_("Photos"), help_text=_("JPEG or PNG; the location is removed unless you keep it.")
    )
    keep_gps = forms.BooleanField(label=_("Keep the photos' location"), required=False)

    def photo_list(self) -> list[tuple[object, bool]]:
        keep = bool(self.cleaned_data.get("keep_gps"))
        return [(upload, keep) for upload in self.cleaned_data.get("photos") or []]


class VisitForm(PhotoFields):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput)
    mode = forms.ChoiceField(label=_("Mode"), choices=VisitMode.choices)
    discussion = forms.CharField(
        label=_("What was discussed"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=blank_first([(str(n), str(n)) for n in range(5, 0, -1)]),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        photos = self.fields.pop("photos")
        keep = self.fields.pop("keep_gps")
        for n in range(1, REQUEST_ROWS + 1):
            self.fields[f"request_{n}"] = forms.CharField(
                label=_("Request {n}").format(n=n), required=False, max_length=300
            )
            self.fields[f"request_{n}_due"] = forms.DateField(
                label=_("Due date of request {n}").format(n=n), required=False, widget=DateInput
            )
            for name in (f"request_{n}", f"request_{n}_due"):
                self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["photos"] = photos
        self.fields["keep_gps"] = keep

    def request_list(self) -> list[tuple[str, object]]:
        data = self.cleaned_data
        return [
            (data.get(f"request_{n}") or "", data.get(f"request_{n}_due"))
            for n in range(1, REQUEST_ROWS + 1)
        ]


class FollowUpUpdateForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (FollowUpStatus.DONE, FollowUpStatus.DONE.label),
            (FollowUpStatus.CANCELLED, FollowUpStatus.CANCELLED.label),
        ],
    )
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}))
    done_on = forms.DateField(label=_("Date"), widget=DateInput, required=False)


class FollowUpFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=blank_first(FollowUpStatus.choices, _("any")), required=False
    )


class PlanForm(StyledForm):
    year = forms.IntegerField(label=_("Year"))
    # Text: the service checks amounts and years and says what is wrong with its own messages.
    target_net_per_capita = forms.CharField(
        label=_("Target net income per person (yuan)"), required=False, max_length=30
    )
    target_exit_year = forms.CharField(label=_("Target exit year"), required=False, max_length=10)
    goals = forms.CharField(
        label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasureForm(StyledForm):
    type = forms.ChoiceField(label=_("Measure type"), choices=MeasureType.choices)
    description = forms.CharField(label=_("Measure"), max_length=300)
    responsible_cadre = forms.TypedChoiceField(
        label=_("Responsible cadre"), required=False, coerce=int, empty_value=None
    )
    responsible_unit = forms.TypedChoiceField(
        label=_("Responsible unit"), required=False, coerce=int, empty_value=None
    )
    planned_cost = forms.DecimalField(label=_("Planned cost (yuan)"), required=False)
    funding = forms.CharField(label=_("Funding"), required=False, max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput, required=False)

    def __init__(self, *args, cadres=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_cadre"].choices = blank_first([(c.pk, c.name) for c in cadres])
        self.fields["responsible_unit"].choices = blank_first([(u.pk, u.name) for u in units])


class MeasureUpdateForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    reason = forms.CharField(label=_("Reason (when dropped)"), required=False, max_length=200)
    done_on = forms.DateField(label=_("Done on"), widget=DateInput, required=False)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput, required=False)


class VillagePlanForm(StyledForm):
    year = forms.IntegerField(label=_("Year"))
    unit = forms.TypedChoiceField(
        label=_("Planning unit"), required=False, coerce=int, empty_value=None
    )
    leading_industries = forms.CharField(
        label=_("Leading industries"), required=False, max_length=200
    )
    targets = forms.CharField(
        label=_("Targets"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    projects = forms.TypedMultipleChoiceField(
        label=_("Linked projects"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, units=None, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            # A unit administrator's plan is always their unit's: nothing to choose.
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = blank_first([(u.pk, u.name) for u in units])
        self.fields["projects"].choices = [(p.pk, p.name) for p in projects]


class DeedForm(PhotoFields):
    village = forms.ChoiceField(label=_("Village"))
    type = forms.ChoiceField(label=_("Type of help"), choices=DeedType.choices)
    description = forms.CharField(label=_("What was done"), max_length=300)
    value = forms.DecimalField(label=_("Value (yuan)"), initial=0)
    done_on = forms.DateField(label=_("Date"), widget=DateInput)
    households = forms.CharField(
        label=_("Household numbers"),
        required=False,
        help_text=_("Leave empty when the whole village benefits; separate numbers with commas."),
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        self.fields["done_on"].initial = timezone.localdate()
        for name in ("photos", "keep_gps"):
            self.fields[name] = self.fields.pop(name)


class PeriodForm(StyledForm):
    start = forms.DateField(label=_("From"), widget=DateInput, required=False)
    end = forms.DateField(label=_("To"), widget=DateInput, required=False)


class VisitUpdateForm(PhotoFields):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput)
    mode = forms.ChoiceField(label=_("Mode"), choices=VisitMode.choices)
    discussion = forms.CharField(
        label=_("What was discussed"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=blank_first([(str(n), str(n)) for n in range(5, 0, -1)]),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].label = _("Add photos")
        for name in ("photos", "keep_gps"):
            self.fields[name] = self.fields.pop(name)


class VoidForm(StyledForm):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300, required=False)


class DeedUpdateForm(PhotoFields):
    type = forms.ChoiceField(label=_("Type of help"), choices=DeedType.choices)
    description = forms.CharField(label=_("What was done"), max_length=300)
    value = forms.DecimalField(label=_("Value (yuan)"))
    done_on = forms.DateField(label=_("Date"), widget=DateInput)
    households = forms.CharField(
        label=_("Household numbers"),
        required=False,
        help_text=_("Leave empty when the whole village benefits; separate numbers with commas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].label = _("Add photos")
        for name in ("photos", "keep_gps"):
            self.fields[name] = self.fields.pop(name)


class FollowUpCreateForm(StyledForm):
    title = forms.CharField(label=_("Follow-up"), max_length=300)
    owner_cadre = forms.TypedChoiceField(
        label=_("Owner (cadre)"), required=False, coerce=int, empty_value=None
    )
    owner_unit = forms.TypedChoiceField(
        label=_("Owner (unit)"), required=False, coerce=int, empty_value=None
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)

    def __init__(self, *args, cadres=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_cadre"].choices = blank_first([(c.pk, c.name) for c in cadres])
        self.fields["owner_unit"].choices = blank_first([(u.pk, u.name) for u in units])
