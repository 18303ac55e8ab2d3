"""Permission-matrix entries of the exports app (see core/tests/test_permission_matrix.py).

Every user may export the lists they see (the rows are their scope's); a filter naming a record
out of scope (a household's visits, a project's ledger) answers 404 like the list page. A
background export's file is its requester's only: exportjob_g belongs to the administrator.
"""

import tempfile
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from shuanglian.core.tests.test_permission_matrix import ADMIN, Route
from shuanglian.exports import services
from shuanglian.exports.models import ExportJob, ExportStatus

GET_POST = ("get", "post")

PAGES = {
    "exports:mine": Route("/exports/", "list"),
    "exports:start": Route("/exports/households/?region=620522104", "list", methods=GET_POST),
    "exports:download": Route("/exports/jobs/{pk}/download/", "export_owner", ("exportjob_g",)),
    # The same route with a filter that names a record: out of scope is a 404.
    "exports:start (visits of a household)": Route(
        "/exports/visits/?household={pk}", "read", ("household_g", "household_l"), GET_POST
    ),
    "exports:start (ledger of a project)": Route(
        "/exports/fundings/?project={pk}", "read", ("project_g", "project_l"), GET_POST
    ),
}

API = {}

SEES = {"exportjob_g": frozenset({ADMIN})}
WRITES = {("export_owner", "exportjob_g"): {ADMIN}}


_var = None


def _files_in_a_temporary_directory() -> None:
    global _var
    if _var is None and not str(settings.VAR_DIR).startswith(tempfile.gettempdir()):
        _var = override_settings(VAR_DIR=Path(tempfile.mkdtemp(prefix="shuanglian-exports-")))
        _var.enable()


def extend_world(world, admin) -> None:
    _files_in_a_temporary_directory()
    directory = services.export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "matrix.csv").write_text("\ufeff户编号\r\n", encoding="utf-8")
    world["exportjob_g"] = ExportJob.objects.create(
        user=admin, list_key="households", fmt="csv", status=ExportStatus.DONE, rows=0,
        file_name="matrix.csv",
    )  # fmt: skip
