"""Forms of the monitoring pages; the services check the rules, these only shape the input."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.assistance.models import MeasureType
from shuanglian.core.forms import DateInput, StyledForm, blank_first
from shuanglian.monitoring.models import DeliberationResult, MonitoringCategory, RiskEventKind


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, visit) -> str:
        return f"{visit.visited_on:%Y-%m-%d} {visit.cadre.name} · {visit.get_mode_display()}"


def _visits_field(label, visits):
    return VisitChoiceField(label=label, queryset=visits, empty_label="—")


class RiskEventForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of event"), choices=RiskEventKind.choices)
    occurred_on = forms.DateField(label=_("Occurred on"), widget=DateInput)
    amount = forms.DecimalField(label=_("Expense (yuan)"), min_value=0, decimal_places=2)
    description = forms.CharField(
        label=pgettext_lazy("risk event", "Description"), required=False, max_length=300
    )


class FlagForm(StyledForm):
    note = forms.CharField(
        label=_("Why the household should be monitored"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(FlagForm):
    def __init__(self, *args, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"visit": _visits_field(_("Visit"), visits), **self.fields}
        self.fields["visit"].widget.attrs["class"] = "form-select"


class AssessForm(StyledForm):
    deliberated_on = forms.DateField(label=_("Date of the village deliberation"), widget=DateInput)
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=10_000)
    result = forms.ChoiceField(
        label=pgettext_lazy("deliberation", "Result"), choices=DeliberationResult.choices
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"visit": _visits_field(_("Assessment visit"), visits), **self.fields}
        self.fields["visit"].widget.attrs["class"] = "form-select"


class ConfirmForm(StyledForm):
    category = forms.ChoiceField(
        label=_("Monitoring category"), choices=blank_first(MonitoringCategory.choices)
    )
    confirmed_on = forms.DateField(label=_("Confirmed on"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed_on"].initial = timezone.localdate()


class DismissForm(StyledForm):
    reason = forms.CharField(label=_("Reason for dismissal"), max_length=300)


class ResolveForm(StyledForm):
    note = forms.CharField(label=_("How it was resolved"), max_length=300)


class IncomeCheckForm(StyledForm):
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput)
    per_capita_income = forms.DecimalField(
        label=_("Income per person (yuan per year)"), min_value=0, decimal_places=2
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)


class MeasureForm(StyledForm):
    type = forms.ChoiceField(label=_("Measure type"), choices=MeasureType.choices)
    description = forms.CharField(label=_("Measure"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    planned_cost = forms.DecimalField(
        label=_("Planned cost (yuan)"), required=False, min_value=0, decimal_places=2
    )


class ScreeningForm(StyledForm):
    region = forms.CharField(widget=forms.HiddenInput)
