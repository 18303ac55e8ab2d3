from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from shuanglian.core.forms import StyledForm, UnechoedInput, blank_first
from shuanglian.units.models import CadreRank, UnitKind, UnitLevel

REGION_CODE_FORMAT = _("Enter the 12-digit region code, e.g. 620522104000 for 郭嘉镇.")
REGION_PREFIX_FORMAT = _("Enter a region code: 2 to 12 digits.")


class UnitFilterForm(StyledForm):
    """The filters above the unit list; every field optional."""

    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=12,
        validators=[RegexValidator(r"^\d{2,12}$", REGION_PREFIX_FORMAT)],
        help_text=_("Units based in the region or paired with a village in it."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=blank_first(UnitKind.choices, _("all kinds"))
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=blank_first(UnitLevel.choices, _("all levels"))
    )


class UnitForm(StyledForm):
    name = forms.CharField(label=_("Unit name"), max_length=200)
    short_name = forms.CharField(
        label=_("Short name"),
        required=False,
        max_length=100,
        help_text=_("The name people use, e.g. 县委宣传部."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=blank_first(UnitKind.choices))
    level = forms.ChoiceField(label=_("Level"), choices=blank_first(UnitLevel.choices))
    home_region = forms.CharField(
        label=_("Home region code"),
        max_length=12,
        validators=[RegexValidator(r"^\d{12}$", REGION_CODE_FORMAT)],
        help_text=_(
            "The 12-digit code of the region the unit belongs to, e.g. 620522000000 for 秦安县 "
            "or 620522104000 for 郭嘉镇. Find codes with the region search."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    leader_name = forms.CharField(label=_("Leader"), required=False, max_length=100)
    leader_post = forms.CharField(label=_("Leader's post"), required=False, max_length=200)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["home_region_code"] = data.pop("home_region")
        return data


class CadreForm(StyledForm):
    name = forms.CharField(label=_("Full name"), max_length=50)
    position = forms.CharField(
        label=_("Position"), required=False, max_length=200, help_text=_("e.g. 副部长, 科员.")
    )
    rank = forms.ChoiceField(
        label=_("Rank"), required=False, choices=blank_first(CadreRank.choices, "—")
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        help_text=_("Mobile or landline with area code; stored encrypted, shown masked."),
        widget=UnechoedInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=30,
        help_text=_("Optional; stored encrypted, shown masked."),
        widget=UnechoedInput(attrs={"autocomplete": "off"}),
    )


class CadreUpdateForm(CadreForm):
    """Phone and ID number are never shown in full, so blank means "keep what is stored"."""

    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    clear_id_number = forms.BooleanField(label=_("Remove the ID number"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    field_order = [
        "name",
        "position",
        "rank",
        "phone",
        "clear_phone",
        "id_number",
        "clear_id_number",
        "is_active",
    ]

    def __init__(self, *args, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        keep = _("Leave blank to keep the stored number ({masked}).")
        if cadre.phone_masked:
            self.fields["phone"].help_text = keep.format(masked=cadre.phone_masked)
        else:
            del self.fields["clear_phone"]
        if cadre.id_number_masked:
            self.fields["id_number"].help_text = keep.format(masked=cadre.id_number_masked)
        else:
            del self.fields["clear_id_number"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "name": data["name"],
            "position": data["position"],
            "rank": data["rank"],
            "is_active": data["is_active"],
        }
        if data.get("clear_phone"):
            kwargs["phone"] = ""
        elif data["phone"].strip():
            kwargs["phone"] = data["phone"]
        if data.get("clear_id_number"):
            kwargs["id_number"] = ""
        elif data["id_number"].strip():
            kwargs["id_number"] = data["id_number"]
        return kwargs
