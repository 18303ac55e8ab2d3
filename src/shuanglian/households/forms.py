"""Forms of the household pages. They collect text; the services decide what is valid."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.forms import DateInput, StyledForm, UnechoedInput, blank_first
from shuanglian.households.models import (
    ETHNIC_GROUPS,
    Category,
    Education,
    Health,
    Labour,
    MemberEndReason,
    PovertyCause,
    Relation,
    SchoolStatus,
    Sex,
    WorkStatus,
)
from shuanglian.households.services import MemberData

ID_HELP = _(
    "18 characters (the last may be X) or an old 15-digit number. "
    "For privacy the number is never shown again once typed."
)
ID_KEEP_HELP = _("Leave empty to keep the stored number ({masked}).")
PHONE_HELP = _("A mobile, or a landline with its area code.")
PHONE_KEEP_HELP = _("Stored: {masked}. Leave empty to keep it.")
DERIVED_HELP = _("Optional: read from the ID number; if given, it must match.")
VILLAGE_HELP = _("The 12-digit code of the village (行政区划代码).")
NUMBER_HELP = _("Leave empty to number the household automatically.")
POPULATION_HELP = _("Leave empty to count the current members ({count}).")


def _select(choices, blank_label=None):
    return forms.Select(choices=blank_first(choices, blank_label))


def _text(**attrs):
    return forms.TextInput(attrs=attrs)


def _optional(widget):
    """An optional text field whose value the service validates (one place for each rule)."""
    return forms.CharField(required=False, widget=widget)


class HouseholdFilterForm(StyledForm):
    """The list filters. Values go to the selector unchecked: it explains a bad one itself."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=_text(placeholder=_("Name, pinyin, initials or household number")),
    )
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        widget=_text(placeholder="620522104", inputmode="numeric"),
    )
    category = forms.CharField(
        label=_("Category"),
        required=False,
        widget=_select(Category.choices, _("All categories")),
    )


class MemberFieldsMixin(forms.Form):
    """The fields of one person, shared by the head on the household form and the member form."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        help_text=ID_HELP,
        widget=UnechoedInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=blank_first(Sex.choices, _("From the ID number")),
        help_text=DERIVED_HELP,
    )
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=DateInput(), help_text=DERIVED_HELP
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"), choices=[(name, name) for name in ETHNIC_GROUPS], initial="汉族"
    )
    education = forms.ChoiceField(
        label=_("Education"), required=False, choices=blank_first(Education.choices)
    )
    school_status = forms.ChoiceField(
        label=_("School status"), required=False, choices=blank_first(SchoolStatus.choices)
    )
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices, initial=Health.HEALTHY)
    labour = forms.ChoiceField(
        label=_("Labour capacity"), required=False, choices=blank_first(Labour.choices)
    )
    work_status = forms.ChoiceField(
        label=_("Work status"), required=False, choices=blank_first(WorkStatus.choices)
    )

    PERSON_FIELDS = (
        "name",
        "id_number",
        "sex",
        "birth_date",
        "ethnicity",
        "education",
        "school_status",
        "health",
        "labour",
        "work_status",
    )

    def member_data(self, *, relation: str) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            name=data["name"],
            id_number=data["id_number"],
            relation=relation,
            sex=data["sex"],
            birth_date=data["birth_date"],
            ethnicity=data["ethnicity"],
            education=data["education"],
            school_status=data["school_status"],
            health=data["health"],
            labour=data["labour"],
            work_status=data["work_status"],
        )


class HouseholdCreateForm(MemberFieldsMixin, StyledForm):
    """A new household and its head, saved together."""

    village = forms.CharField(
        label=_("Village"),
        max_length=12,
        help_text=VILLAGE_HELP,
        widget=_text(inputmode="numeric", placeholder="620522104200"),
    )
    number = forms.CharField(
        label=_("Household number"), required=False, max_length=32, help_text=NUMBER_HELP
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, initial=Category.GENERAL
    )
    poverty_cause_main = forms.ChoiceField(
        label=_("Main poverty cause"), required=False, choices=blank_first(PovertyCause.choices)
    )
    poverty_cause_secondary = forms.ChoiceField(
        label=_("Secondary poverty cause"),
        required=False,
        choices=blank_first(PovertyCause.choices),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        help_text=PHONE_HELP,
        widget=UnechoedInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    HOUSEHOLD_FIELDS = (
        "village",
        "number",
        "category",
        "poverty_cause_main",
        "poverty_cause_secondary",
        "address",
        "phone",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Head of household")
        self.fields["name"].widget.attrs["autocomplete"] = "off"


class HouseholdUpdateForm(StyledForm):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    poverty_cause_main = forms.ChoiceField(
        label=_("Main poverty cause"), required=False, choices=blank_first(PovertyCause.choices)
    )
    poverty_cause_secondary = forms.ChoiceField(
        label=_("Secondary poverty cause"),
        required=False,
        choices=blank_first(PovertyCause.choices),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=UnechoedInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    clear_phone = forms.BooleanField(label=_("Remove the stored phone number"), required=False)

    def __init__(self, *args, phone_masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if phone_masked:
            self.fields["phone"].help_text = PHONE_KEEP_HELP.format(masked=phone_masked)
        else:
            self.fields["phone"].help_text = PHONE_HELP
            del self.fields["clear_phone"]

    def phone_argument(self) -> dict:
        """What household_update should do with the phone: keep it, clear it or replace it."""
        if self.cleaned_data.get("clear_phone"):
            return {"phone": ""}
        if phone := self.cleaned_data["phone"].strip():
            return {"phone": phone}
        return {}


class MemberForm(MemberFieldsMixin, StyledForm):
    relation = forms.ChoiceField(label=_("Relation to head"), choices=Relation.choices)

    field_order = ["name", "relation"]

    def __init__(self, *args, kept_masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if kept_masked:
            field = self.fields["id_number"]
            field.required = False
            field.help_text = ID_KEEP_HELP.format(masked=kept_masked)


class MemberEndForm(StyledForm):
    ended_on = forms.DateField(label=_("Left on"), widget=DateInput(), initial=dt.date.today)
    reason = forms.ChoiceField(label=_("Reason"), choices=blank_first(MemberEndReason.choices))


class IncomeForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    wage_income = _optional(_text(inputmode="decimal", placeholder="0"))
    business_income = _optional(_text(inputmode="decimal", placeholder="0"))
    property_income = _optional(_text(inputmode="decimal", placeholder="0"))
    transfer_income = _optional(_text(inputmode="decimal", placeholder="0"))
    production_cost = _optional(_text(inputmode="decimal", placeholder="0"))
    population = forms.IntegerField(label=_("People counted"), required=False, min_value=1)

    AMOUNTS = (
        "wage_income",
        "business_income",
        "property_income",
        "transfer_income",
        "production_cost",
    )

    def __init__(self, *args, member_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "wage_income": _("Wage income"),
            "business_income": _("Business income"),
            "property_income": _("Property income"),
            "transfer_income": _("Transfer income"),
            "production_cost": _("Production costs"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["population"].help_text = POPULATION_HELP.format(count=member_count)
