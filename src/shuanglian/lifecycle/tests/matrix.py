"""The lifecycle app's rows of the permission matrix (core/tests/test_permission_matrix.py).

Records: household G (暖泉村, paired with the cadre persona) and household L (常营村) are poor
households ready to exit; each has an exit procedure past its first public notice (notice G,
notice L), so the next step is the township review; the application of each carries a PDF
(doc G, doc L). One national income line (line N) is read by everyone.
"""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from shuanglian.core.tests.test_permission_matrix import (
    ADMIN,
    CADRE,
    COUNTY,
    EVERYONE,
    G_SIDE,
    L_SIDE,
    OTHER,
    TOWN,
    Route,
)
from shuanglian.lifecycle import services
from shuanglian.lifecycle.models import IncomeLine, ProcedureKind, Step
from shuanglian.lifecycle.services import StepData
from shuanglian.lifecycle.tests import factories as lf

SEES = {
    **{f"{name}_g": G_SIDE for name in ("proc", "notice", "doc")},
    **{f"{name}_l": L_SIDE for name in ("proc", "notice", "doc")},
    "line_n": EVERYONE,
}

G_VILLAGE_STEPS = {ADMIN, TOWN}  # officers of the village or its township
L_VILLAGE_STEPS = {ADMIN, OTHER}
WRITES = {
    # The next step of both procedures is the township review: township officers only.
    ("step", "proc_g"): {ADMIN, TOWN},
    ("step", "proc_l"): {ADMIN, OTHER},
    ("withdraw", "proc_g"): G_VILLAGE_STEPS,
    ("withdraw", "proc_l"): L_VILLAGE_STEPS,
    # The application: village-level officers and the cadre paired with the household.
    ("apply", "household_g"): G_VILLAGE_STEPS | {CADRE},
    ("apply", "household_l"): L_VILLAGE_STEPS,
    ("check", "household_g"): {ADMIN, COUNTY, TOWN, CADRE},
    ("check", "household_l"): {ADMIN, COUNTY, OTHER},
    ("lines", None): {ADMIN},
    ("lines", "line_n"): {ADMIN},
}

PROCS = ("proc_g", "proc_l")
HOUSEHOLDS = ("household_g", "household_l")
NOTICES = ("notice_g", "notice_l")
GET_POST = ("get", "post")

PAGES = {
    "lifecycle:procedure_list": Route("/lifecycle/", "list"),
    "lifecycle:procedure_detail": Route("/lifecycle/procedures/{pk}/", "read", PROCS),
    "lifecycle:step_record": Route("/lifecycle/procedures/{pk}/next/", "step", PROCS, GET_POST),
    "lifecycle:procedure_withdraw": Route(
        "/lifecycle/procedures/{pk}/withdraw/", "withdraw", PROCS, GET_POST
    ),
    "lifecycle:procedure_start": Route(
        "/lifecycle/households/{pk}/start/identification/", "apply", HOUSEHOLDS, GET_POST
    ),
    "lifecycle:assurance_form": Route(
        "/lifecycle/households/{pk}/checklist/", "check", HOUSEHOLDS, GET_POST
    ),
    "lifecycle:document": Route("/lifecycle/documents/{pk}/", "read", ("doc_g", "doc_l")),
    "lifecycle:notice_list": Route("/lifecycle/notices/", "list"),
    # Who may post depends on the households chosen: the page offers only those, the service
    # checks each (tested there).
    "lifecycle:notice_create": Route("/lifecycle/notices/new/", "list", methods=GET_POST),
    "lifecycle:notice_detail": Route("/lifecycle/notices/{pk}/", "read", NOTICES),
    "lifecycle:notice_docx": Route("/lifecycle/notices/{pk}.docx", "read", NOTICES),
    "lifecycle:line_list": Route("/lifecycle/lines/", "list"),
    "lifecycle:line_create": Route("/lifecycle/lines/new/", "lines", methods=GET_POST),
    "lifecycle:line_update": Route("/lifecycle/lines/{pk}/edit/", "lines", ("line_n",), GET_POST),
}

A = "/api/v1/lifecycle"
API = {
    ("get", f"{A}/procedures"): Route(f"{A}/procedures", "list"),
    ("get", f"{A}/procedures/{{procedure_id}}"): Route(f"{A}/procedures/{{pk}}", "read", PROCS),
    ("post", f"{A}/procedures/{{procedure_id}}/steps"): Route(
        f"{A}/procedures/{{pk}}/steps", "step", PROCS, ("post",)
    ),
    ("post", f"{A}/households/{{household_id}}/procedures/{{kind}}"): Route(
        f"{A}/households/{{pk}}/procedures/identification", "apply", HOUSEHOLDS, ("post",)
    ),
    ("get", f"{A}/notices"): Route(f"{A}/notices", "list"),
    ("get", f"{A}/notices/{{notice_id}}"): Route(f"{A}/notices/{{pk}}", "read", NOTICES),
    ("get", f"{A}/lines"): Route(f"{A}/lines", "list"),
}

_media = None


def _media_in_a_temporary_directory() -> None:
    # The world stores documents; they go to a temporary directory, not the project's var/.
    # When another app's extension has already moved MEDIA_ROOT there, it stays.
    global _media
    if _media is None and not str(settings.MEDIA_ROOT).startswith(tempfile.gettempdir()):
        _media = override_settings(MEDIA_ROOT=Path(tempfile.mkdtemp(prefix="shuanglian-matrix-")))
        _media.enable()


def _exit_past_first_notice(admin, household):
    lf.ready_to_exit(actor=admin, household=household)
    procedure = services.procedure_start(
        actor=admin,
        household=household,
        kind=ProcedureKind.EXIT,
        data=StepData(done_on=lf.days_ago(90)),
    )
    pdf = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4\n%matrix\n")
    step = services.step_record(
        actor=admin,
        procedure=procedure,
        step=Step.APPLICATION,
        data=StepData(done_on=lf.days_ago(89)),
        documents=[pdf],
    )
    procedure.refresh_from_db()
    lf.advance(admin, procedure, until=Step.TOWNSHIP_REVIEW)
    notice = procedure.steps.get(step=Step.FIRST_NOTICE).notice
    return procedure, notice, step.documents.get()


def extend_world(world, admin) -> None:
    _media_in_a_temporary_directory()
    lf.lines()
    proc_g, notice_g, doc_g = _exit_past_first_notice(admin, world["household_g"])
    proc_l, notice_l, doc_l = _exit_past_first_notice(admin, world["household_l"])
    world.update(
        proc_g=proc_g,
        proc_l=proc_l,
        notice_g=notice_g,
        notice_l=notice_l,
        doc_g=doc_g,
        doc_l=doc_l,
        line_n=IncomeLine.objects.filter(province__isnull=True).first(),
    )
