from django import forms
from django.utils.translation import gettext_lazy as _

from shuanglian.core.forms import StyledForm


class LoginForm(StyledForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
