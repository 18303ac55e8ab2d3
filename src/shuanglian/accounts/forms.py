from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from shuanglian.accounts import selectors
from shuanglian.accounts.models import Role
from shuanglian.core.access import may_reveal, user_scope
from shuanglian.core.forms import StyledForm, blank_first

PASSWORDS_DIFFER = _("The two new passwords differ.")


class LoginForm(StyledForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class PasswordChangeForm(StyledForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rules in force (settings.AUTH_PASSWORD_VALIDATORS), worded by Django in the
        # user's language.
        self.fields["new_password"].help_text = " ".join(password_validators_help_texts())

    def clean(self):
        data = super().clean()
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", PASSWORDS_DIFFER)
        return data


INITIAL_PASSWORDS_DIFFER = _("The two passwords differ.")
ROLE_FILTER_ALL = _("all roles")
CADRE_OPTION = _("{name} ({unit}; responsible for {count} households now)")
UNIT_OPTION = _("{name} ({region})")


class UserFilterForm(StyledForm):
    """The filters above the user list; every field optional."""

    q = forms.CharField(label=_("Username or name contains"), required=False, max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=blank_first(Role.choices, ROLE_FILTER_ALL)
    )
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=12,
        help_text=_("Accounts working in the region or below it (2 to 12 digits)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return UNIT_OPTION.format(name=obj.name, region=obj.home_region)


class CadreAccountChoiceField(forms.ModelChoiceField):
    """A cadre, their unit and how many households they help now: the account's household set."""

    def label_from_instance(self, obj):
        unit = obj.unit.short_name or obj.unit.name
        return CADRE_OPTION.format(name=obj.name, unit=unit, count=obj.household_count)


class UserForm(StyledForm):
    """Name, role and reach of an account; only the reach the role needs is used."""

    display_name = forms.CharField(label=_("Full name"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=())
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=12,
        help_text=_(
            "For region officers and viewers: the 12-digit code of the region they work in, "
            "e.g. 620522104000 for 郭嘉镇."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("For unit administrators: the unit they administer."),
    )
    cadre = CadreAccountChoiceField(
        label=_("Cadre"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_(
            "For cadre accounts: the cadre who will sign in. The account sees the households "
            "paired with this cadre, and follows the pairings as they change."
        ),
    )
    can_reveal = forms.BooleanField(
        label=_("May reveal personal data"),
        required=False,
        help_text=_("See a full ID or phone number, one record at a time, with a stated reason."),
    )

    def __init__(self, *args, actor, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        roles = Role.choices
        scope = user_scope(actor)
        if scope.unit_id is not None:
            roles = [(value, label) for value, label in roles if value == Role.CADRE]
        elif not scope.everything:
            roles = [(value, label) for value, label in roles if value != Role.ADMIN]
        self.fields["role"].choices = blank_first(roles)
        self.fields["unit"].queryset = selectors.assignable_units(actor)
        self.fields["cadre"].queryset = selectors.assignable_cadres(actor, account=account)
        # A permission one does not hold cannot be granted: the box is not even offered.
        if not may_reveal(actor):
            del self.fields["can_reveal"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "display_name": data["display_name"],
            "role": data["role"],
            "region_code": data["region"],
            "unit_id": data["unit"].pk if data["unit"] else None,
            "cadre_id": data["cadre"].pk if data["cadre"] else None,
            "can_reveal": data.get("can_reveal", False),
        }


class UserCreateForm(UserForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; it cannot be changed later."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Initial password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    must_change_password = forms.BooleanField(
        label=_("Must change the password at first login"), required=False, initial=True
    )
    field_order = [
        "username",
        "display_name",
        "role",
        "region",
        "unit",
        "cadre",
        "can_reveal",
        "password",
        "password_again",
        "must_change_password",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = " ".join(password_validators_help_texts())

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", INITIAL_PASSWORDS_DIFFER)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "username": data["username"],
            "password": data["password"],
            "must_change_password": data["must_change_password"],
        }
