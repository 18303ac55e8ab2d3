"""Forms of the meeting pages. They collect text; the services decide what is valid.

Speakers and site-visit stops are typed one a line ("name|post|summary", "project number|note"),
which is quick on a phone and easy to paste from a meeting notice; a bad line is named by its
number.
"""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from shuanglian.core.forms import DateInput, StyledForm, blank_first
from shuanglian.meetings.models import Meeting, MeetingType
from shuanglian.meetings.services import SpeakerData, StopData

SPEAKER_LINE_INVALID = _("Line {row}: write name|post|summary (at most three parts).")
STOP_LINE_INVALID = _("Line {row}: {value} is not a project number.")
PLACE_CODE_FORMAT = _("Enter the 12-digit code of the place, e.g. 620522104000 for 郭嘉镇.")
YEAR_FORMAT = _("Enter a year, e.g. 2012.")


def _lines(text: str):
    for row, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            yield row, [part.strip() for part in line.split("|")]


def parse_speakers(text: str) -> list[SpeakerData]:
    speakers = []
    for row, parts in _lines(text):
        if len(parts) > 3:
            raise forms.ValidationError(SPEAKER_LINE_INVALID.format(row=row))
        parts += [""] * (3 - len(parts))
        speakers.append(SpeakerData(name=parts[0], post=parts[1], summary=parts[2]))
    return speakers


def parse_stops(text: str) -> list[StopData]:
    stops = []
    for row, parts in _lines(text):
        if not parts[0].isdigit() or len(parts) > 2:
            raise forms.ValidationError(STOP_LINE_INVALID.format(row=row, value=parts[0]))
        stops.append(StopData(project_id=int(parts[0]), note=parts[1] if len(parts) > 1 else ""))
    return stops


class MeetingFilterForm(StyledForm):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=12,
        validators=[RegexValidator(r"^\d{2,12}$", _("Enter a region code: 2 to 12 digits."))],
    )
    type = forms.ChoiceField(
        label=_("Meeting type"),
        required=False,
        choices=blank_first(MeetingType.choices, _("all types")),
    )
    year = forms.CharField(
        label=_("Year"),
        required=False,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", YEAR_FORMAT)],
    )


class MeetingForm(StyledForm):
    type = forms.ChoiceField(label=_("Meeting type"), choices=blank_first(MeetingType.choices))
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    place = forms.CharField(
        label=_("Place (region code)"),
        max_length=12,
        validators=[RegexValidator(r"^\d{12}$", PLACE_CODE_FORMAT)],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    host_unit = forms.TypedChoiceField(
        label=_("Host unit"), required=False, coerce=int, empty_value=None
    )
    presiding = forms.CharField(label=_("Presiding"), required=False, max_length=100)
    attending = forms.TypedMultipleChoiceField(
        label=_("Attending units"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Not stripped: a leading blank line still counts, so error line numbers match the box.
    speakers = forms.CharField(
        label=_("Speakers"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One a line, in speaking order: name|post|summary, e.g. 孙旺奎|镇党委书记|通报进展."
        ),
    )
    stops = forms.CharField(
        label=_("Site-visit stops"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, in visiting order: project number|note."),
    )
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(unit.pk, unit.name) for unit in units]
        self.fields["host_unit"].choices = blank_first(choices)
        self.fields["attending"].choices = choices
        # A list of checkboxes, not one text box.
        self.fields["attending"].widget.attrs["class"] = "list-unstyled"

    def clean_speakers(self):
        return parse_speakers(self.cleaned_data["speakers"])

    def clean_stops(self):
        return parse_stops(self.cleaned_data["stops"])

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["place_code"] = data.pop("place")
        data["host_unit_id"] = data.pop("host_unit")
        data["attending_unit_ids"] = data.pop("attending")
        return data

    @staticmethod
    def initial_of(meeting: Meeting) -> dict:
        return {
            "type": meeting.type,
            "title": meeting.title,
            "held_on": meeting.held_on,
            "place": meeting.place_id,
            "host_unit": meeting.host_unit_id,
            "presiding": meeting.presiding,
            "attending": [unit.pk for unit in meeting.attending_units.all()],
            "agenda": meeting.agenda,
            "speakers": "\n".join(
                "|".join(part for part in (s.name, s.post, s.summary)).rstrip("|")
                for s in meeting.speakers.all()
            ),
            "stops": "\n".join(f"{s.project_id}|{s.note}".rstrip("|") for s in meeting.stops.all()),
            "minutes": meeting.minutes,
        }


class UnitReportForm(StyledForm):
    work_done = forms.CharField(
        label=_("Work done"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    problems = forms.CharField(
        label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_plans = forms.CharField(
        label=_("Next plans"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionForm(StyledForm):
    title = forms.CharField(
        label=_("Decision"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_unit = forms.TypedChoiceField(
        label=_("Responsible unit"), required=False, coerce=int, empty_value=None
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["owner_unit"].choices = blank_first([(unit.pk, unit.name) for unit in units])

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["owner_unit"] = self.units.get(data["owner_unit"])
        return data


class MeetingCancelForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
