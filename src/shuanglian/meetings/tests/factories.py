"""Meetings for tests, made through the services."""

import datetime as dt

from shuanglian.meetings import services
from shuanglian.meetings.models import MeetingType


def meeting(
    *, actor, place="620522104000", title="郭嘉镇双联行动推进会", held_on=dt.date(2012, 8, 14), **kw
):
    kw.setdefault("type", MeetingType.PROGRESS)
    units = kw.pop("units", ())
    return services.meeting_create(
        actor=actor,
        title=title,
        held_on=held_on,
        place_code=place,
        attending_unit_ids=[unit.pk for unit in units],
        **kw,
    )
