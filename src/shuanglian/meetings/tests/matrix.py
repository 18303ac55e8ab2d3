"""Permission-matrix entries of the meetings app (see core/tests/test_permission_matrix.py).

meeting_g: the 郭嘉镇 推进会, attended by 县委宣传部 (unit G) and 县妇联 (unit P, the unit
administrator's and the cadre persona's unit), with a decision for unit G and, when the projects
app's world has it, a site-visit stop at project_g. meeting_l: a 陇城镇 meeting attended by
县水务局 (unit L). report_g is 县妇联's report to meeting_g, report_l 县水务局's to meeting_l.
decision_g is a decision of meeting_g owned by 县妇联, decision_l one of meeting_l owned by
县水务局.
"""

import datetime as dt

from shuanglian.core.tests.test_permission_matrix import (
    ADMIN,
    COUNTY,
    G_SIDE,
    L_SIDE,
    OTHER,
    TOWN,
    UNIT_ADMIN,
    Route,
)
from shuanglian.meetings.services import StopData, meeting_decision_add
from shuanglian.meetings.tests.factories import meeting

MEETINGS = ("meeting_g", "meeting_l")
REPORTS = ("report_g", "report_l")
DECISIONS = ("decision_g", "decision_l")
GET_POST = ("get", "post")
POST = ("post",)

PAGES = {
    "meetings:list": Route("/meetings/", "list"),
    "meetings:create": Route("/meetings/new/", "create", methods=GET_POST),
    "meetings:decision_list": Route("/meetings/decisions/?overdue=1", "list"),
    "meetings:detail": Route("/meetings/{pk}/", "read", MEETINGS),
    "meetings:update": Route("/meetings/{pk}/edit/", "meeting", MEETINGS, GET_POST),
    "meetings:cancel": Route("/meetings/{pk}/cancel/", "meeting", MEETINGS, GET_POST),
    "meetings:record": Route("/meetings/{pk}/record/", "read", MEETINGS),
    "meetings:record_docx": Route("/meetings/{pk}/record.docx", "read", MEETINGS),
    "meetings:decision_create": Route(
        "/meetings/{pk}/decisions/new/", "meeting", MEETINGS, GET_POST
    ),
    "meetings:report_detail": Route("/meetings/reports/{pk}/", "read", REPORTS),
    "meetings:report_update": Route("/meetings/reports/{pk}/edit/", "report", REPORTS, GET_POST),
    "meetings:report_generate": Route("/meetings/reports/{pk}/generate/", "report", REPORTS, POST),
    "meetings:report_submit": Route("/meetings/reports/{pk}/submit/", "report", REPORTS, POST),
}

API = {
    ("get", "/api/v1/meetings"): Route("/api/v1/meetings", "list"),
    ("post", "/api/v1/meetings"): Route("/api/v1/meetings", "create", methods=POST),
    ("get", "/api/v1/meetings/{meeting_id}"): Route("/api/v1/meetings/{pk}", "read", MEETINGS),
    ("put", "/api/v1/meetings/{meeting_id}"): Route(
        "/api/v1/meetings/{pk}", "meeting", MEETINGS, ("put",)
    ),
    ("post", "/api/v1/meetings/{meeting_id}/cancel"): Route(
        "/api/v1/meetings/{pk}/cancel", "meeting", MEETINGS, POST
    ),
    ("get", "/api/v1/meetings/decisions"): Route("/api/v1/meetings/decisions", "list"),
    ("post", "/api/v1/meetings/decisions/{decision_id}"): Route(
        "/api/v1/meetings/decisions/{pk}", "decision", DECISIONS, POST
    ),
    ("post", "/api/v1/meetings/{meeting_id}/decisions"): Route(
        "/api/v1/meetings/{pk}/decisions", "meeting", MEETINGS, POST
    ),
    ("get", "/api/v1/meetings/reports/{report_id}"): Route(
        "/api/v1/meetings/reports/{pk}", "read", REPORTS
    ),
    ("put", "/api/v1/meetings/reports/{report_id}"): Route(
        "/api/v1/meetings/reports/{pk}", "report", REPORTS, ("put",)
    ),
    ("post", "/api/v1/meetings/reports/{report_id}/draft"): Route(
        "/api/v1/meetings/reports/{pk}/draft", "report", REPORTS, POST
    ),
    ("post", "/api/v1/meetings/reports/{report_id}/submit"): Route(
        "/api/v1/meetings/reports/{pk}/submit", "report", REPORTS, POST
    ),
}

# A meeting is seen from its place and by the units attending it (their administrators and
# cadres); its reports with it.
SEES = {
    "meeting_g": G_SIDE,
    "meeting_l": L_SIDE,
    "report_g": G_SIDE,
    "report_l": L_SIDE,
    "decision_g": G_SIDE,
    "decision_l": L_SIDE,
}

# Meetings: officers of the place. Reports: the unit (its administrator, officers of its home
# region 秦安县) or officers of the meeting's place.
WRITES = {
    ("meeting", "meeting_g"): {ADMIN, COUNTY, TOWN},
    ("meeting", "meeting_l"): {ADMIN, COUNTY, OTHER},
    ("report", "report_g"): {ADMIN, COUNTY, TOWN, UNIT_ADMIN},
    ("report", "report_l"): {ADMIN, COUNTY, OTHER},
    # Decisions are closed under the follow-up rule (assistance.rules.may_follow_up): the
    # administrators of the owning unit and the officers of its home region 秦安县.
    ("decision", "decision_g"): {ADMIN, COUNTY, TOWN, UNIT_ADMIN},
    ("decision", "decision_l"): {ADMIN, COUNTY, OTHER},
}


def extend_world(world, admin) -> None:
    stops = [StopData(world["project_g"].pk, "观摩")] if "project_g" in world else []
    meeting_g = meeting(
        actor=admin,
        place="620522104000",
        units=[world["unit_g"], world["unit_p"]],
        stops=stops,
    )
    meeting_l = meeting(
        actor=admin, place="620522103000", title="陇城镇双联座谈会", units=[world["unit_l"]]
    )
    meeting_decision_add(
        actor=admin,
        meeting=meeting_g,
        title="九月底前完成文化活动中心主体工程",
        owner_unit=world["unit_g"],
        due_date=dt.date(2012, 9, 30),
    )
    decision_g = meeting_decision_add(
        actor=admin,
        meeting=meeting_g,
        title="十月底前完成联系户帮扶计划",
        owner_unit=world["unit_p"],
        due_date=dt.date(2012, 10, 31),
    )
    decision_l = meeting_decision_add(
        actor=admin,
        meeting=meeting_l,
        title="年底前完成常营村安全饮水工程",
        owner_unit=world["unit_l"],
        due_date=dt.date(2012, 12, 31),
    )
    world.update(
        {
            "meeting_g": meeting_g,
            "meeting_l": meeting_l,
            "report_g": meeting_g.reports.get(unit=world["unit_p"]),
            "report_l": meeting_l.reports.get(),
            "decision_g": decision_g,
            "decision_l": decision_l,
        }
    )
