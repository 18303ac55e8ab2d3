"""Forms of the brief pages; the services decide what is valid."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.briefs.models import Brief
from shuanglian.core.forms import DateInput, StyledForm

REGION_CODE_FORMAT = _("Enter the 12-digit code of the region, e.g. 620522104000 for 郭嘉镇.")


class BriefCreateForm(StyledForm):
    region = forms.CharField(
        label=_("Region code"),
        max_length=12,
        validators=[RegexValidator(r"^\d{12}$", REGION_CODE_FORMAT)],
    )
    period_start = forms.DateField(label=_("Period from"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("Period to"), required=False, widget=DateInput)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for the usual title with the issue number."),
    )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["region_code"] = data.pop("region")
        return data


class BriefForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    overview = forms.CharField(label=_("Overview"), required=False, widget=forms.Textarea)
    progress = forms.CharField(
        label=_("Progress since the last brief"), required=False, widget=forms.Textarea
    )
    unit_work = forms.CharField(
        label=_("Work of the units"), required=False, widget=forms.Textarea(attrs={"rows": 16})
    )
    meetings = forms.CharField(
        label=pgettext_lazy("brief section", "Meetings"), required=False, widget=forms.Textarea
    )
    projects = forms.CharField(
        label=pgettext_lazy("brief section", "Projects"), required=False, widget=forms.Textarea
    )
    problems = forms.CharField(label=_("Problems"), required=False, widget=forms.Textarea)

    @staticmethod
    def initial_of(brief: Brief) -> dict:
        names = ("title", "overview", "progress", "unit_work", "meetings", "projects", "problems")
        return {name: getattr(brief, name) for name in names}


class TableForm(StyledForm):
    region = forms.CharField(
        label=_("Region code"),
        max_length=12,
        validators=[RegexValidator(r"^\d{12}$", REGION_CODE_FORMAT)],
    )
    start = forms.DateField(label=_("Period from"), widget=DateInput)
    end = forms.DateField(label=_("Period to"), widget=DateInput)
