"""Forms of the star ratings: the list of stars, one household's rating, a village's sheet."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shuanglian.core.forms import DateInput, StyledForm


class StarForm(StyledForm):
    name = forms.CharField(label=_("Star"), max_length=50)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)


class StarUpdateForm(StarForm):
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999)
    active = forms.BooleanField(label=_("In use"), required=False)


class RatingForm(StyledForm):
    stars = forms.MultipleChoiceField(
        label=_("Stars awarded"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)
    note = forms.CharField(
        label=_("Deliberation note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who deliberated, and anything the village said about the household."),
    )

    def __init__(self, *args, stars=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stars"].choices = [(str(s.pk), s.name) for s in stars]
        # Checkboxes are styled by the template, not as one form control.
        self.fields["stars"].widget.attrs.pop("class", None)


class SheetForm(StyledForm):
    decided_on = forms.DateField(
        label=_("Decided on"),
        widget=DateInput,
        help_text=_("The date of the village's deliberation (民主评议)."),
    )


class VillageFindForm(StyledForm):
    q = forms.CharField(label=_("Village"), max_length=50, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
