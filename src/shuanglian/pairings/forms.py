from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.core.forms import DateInput, StyledForm
from shuanglian.pairings.models import VillageRole

VILLAGE_CODE_FORMAT = _("Enter the 12-digit code of a village, e.g. 620522104200 for 暖泉村.")


def _today():
    return timezone.localdate()


class VillagePairingForm(StyledForm):
    village = forms.CharField(
        label=_("Village code"),
        max_length=12,
        validators=[RegexValidator(r"^\d{12}$", VILLAGE_CODE_FORMAT)],
        help_text=_(
            "The 12-digit code of the village (村民委员会), e.g. 620522104200 for 暖泉村. "
            "Find it with the region search."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=VillageRole.choices,
        initial=VillageRole.MEMBER,
        help_text=_("A village has at most one lead unit at a time."),
    )
    start_date = forms.DateField(label=_("Start date"), initial=_today, widget=DateInput)


class EndForm(StyledForm):
    end_date = forms.DateField(label=_("End date"), initial=_today, widget=DateInput)


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        position = f"，{obj.position}" if obj.position else ""
        return f"{obj.name}（{obj.unit.name}{position}）"


class HouseholdAssignForm(StyledForm):
    cadre = CadreChoiceField(
        label=_("Responsible cadre"),
        queryset=None,
        empty_label="—",
        help_text=_("Active cadres of the units currently paired with the household's village."),
    )
    start_date = forms.DateField(label=_("Start date"), initial=_today, widget=DateInput)

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
