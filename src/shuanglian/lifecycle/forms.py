from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.forms import DateInput, StyledForm, blank_first
from shuanglian.lifecycle.models import (
    AssuranceItem,
    LineKind,
    ProcedureKind,
    ProcedureStatus,
    Step,
    StepOutcome,
)
from shuanglian.lifecycle.services import NOTICE_STEPS, CheckData, StepData

MET_CHOICES = [("yes", _("met")), ("no", _("not met"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several documents from one file input; the service checks their type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "application/pdf,image/jpeg,image/png", "multiple": True}
            ),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Documents"))
        kwargs.setdefault("help_text", _("PDF, JPEG or PNG scans."))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(DocumentsField, self).clean(f, initial) for f in files if f]


class StepForm(StyledForm):
    """The next step of a procedure; which fields show depends on the step."""

    done_on = forms.DateField(label=_("Date"), widget=DateInput)
    outcome = forms.ChoiceField(
        label=pgettext_lazy("procedure step", "Outcome"), choices=StepOutcome.choices
    )
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    participants = forms.IntegerField(label=_("Participants"), min_value=1, required=False)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, required=False)
    minutes = forms.CharField(
        label=pgettext_lazy("procedure step", "Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    objection_channel = forms.CharField(
        label=_("Where and how to object"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the printed notice, e.g. the village committee office and a phone."),
    )
    notice_days = forms.IntegerField(
        label=_("Notice period (days)"), min_value=1, max_value=60, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    documents = DocumentsField()

    def __init__(self, *args, step: str, notice_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step != Step.DELIBERATION:
            for name in ("participants", "votes_for", "votes_against", "minutes"):
                del self.fields[name]
        if step not in NOTICE_STEPS:
            del self.fields["objection_channel"]
            del self.fields["notice_days"]
        else:
            self.fields["notice_days"].initial = notice_days

    def step_data(self) -> StepData:
        data = self.cleaned_data
        return StepData(
            done_on=data["done_on"],
            outcome=data["outcome"],
            reason=data.get("reason", ""),
            note=data.get("note", ""),
            participants=data.get("participants"),
            votes_for=data.get("votes_for"),
            votes_against=data.get("votes_against"),
            minutes=data.get("minutes", ""),
            objection_channel=data.get("objection_channel", ""),
            notice_days=data.get("notice_days"),
        )


class ApplicationForm(StyledForm):
    done_on = forms.DateField(label=_("Date of the application"), widget=DateInput)
    note = forms.CharField(
        label=_("What the household applies for, and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = DocumentsField()

    def step_data(self) -> StepData:
        return StepData(done_on=self.cleaned_data["done_on"], note=self.cleaned_data["note"])


class ConfirmForm(StyledForm):
    """Starting a procedure whose first step the system does (the exit criteria check)."""

    confirm = forms.BooleanField(label=_("Check the criteria now and start"))


class WithdrawForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AssuranceForm(StyledForm):
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for item in AssuranceItem:
            check = current.get(item.value)
            self.fields[f"{item.value}_met"] = forms.ChoiceField(
                label=item.label,
                choices=blank_first(MET_CHOICES, _("not checked")),
                required=False,
                initial=("yes" if check.met else "no") if check else "",
            )
            self.fields[f"{item.value}_evidence"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                initial=check.evidence if check else "",
                widget=forms.TextInput(),
            )
        self.current = current

    def check_list(self) -> list[CheckData]:
        """The items answered (a blank answer leaves the item as it was)."""
        data = self.cleaned_data
        return [
            CheckData(
                item=item.value,
                met=data[f"{item.value}_met"] == "yes",
                evidence=data.get(f"{item.value}_evidence", ""),
            )
            for item in AssuranceItem
            if data.get(f"{item.value}_met")
        ]


class LineForm(StyledForm):
    kind = forms.ChoiceField(label=pgettext_lazy("income line", "Kind"), choices=LineKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    province_code = forms.CharField(
        label=_("Province code"),
        required=False,
        max_length=12,
        help_text=_("12 digits, e.g. 620000000000 for Gansu; empty for the national line."),
    )
    amount = forms.DecimalField(
        label=_("Yuan per person per year"), max_digits=10, decimal_places=2, min_value=0
    )
    source = forms.CharField(label=pgettext_lazy("income line", "Source"), max_length=300)


def _candidate_label(procedure) -> str:
    village = procedure.household.village
    return " · ".join(
        (
            procedure.household.head_name,
            village.short_name or village.name,
            str(procedure.get_kind_display()),
            str(procedure.get_next_step_display()),
        )
    )


class NoticeForm(StyledForm):
    """One notice for several procedures waiting for the same notice step."""

    step = forms.ChoiceField(label=_("Notice"), choices=[(s.value, s.label) for s in NOTICE_STEPS])
    procedures = forms.TypedMultipleChoiceField(
        label=pgettext_lazy("public notice", "Households"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("Posted on"), widget=DateInput)
    notice_days = forms.IntegerField(
        label=_("Notice period (days)"), min_value=1, max_value=60, required=False
    )
    objection_channel = forms.CharField(
        label=_("Where and how to object"), widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, candidates=(), notice_days: int = 7, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].choices = [(p.pk, _candidate_label(p)) for p in candidates]
        self.fields["notice_days"].initial = notice_days


class ProcedureFilterForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Procedure"), required=False, choices=blank_first(ProcedureKind.choices, _("all"))
    )
    step = forms.ChoiceField(
        label=pgettext_lazy("procedure", "Next step"),
        required=False,
        choices=blank_first(Step.choices, _("all")),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=blank_first(ProcedureStatus.choices, _("all"))
    )
    region = forms.CharField(label=_("Region code"), required=False, max_length=12)
