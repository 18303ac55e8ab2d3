"""Permission-matrix entries of the imports app (see core/tests/test_permission_matrix.py).

An import job is its owner's (administrators see every job). The world's users other than the
administrator only exist once a test asks for them, so both jobs belong to the administrator:
job_g, an import into 暖泉村, and job_l, one into 常营村 of 陇城镇, each with a bad row and
so an error report. Officers' own jobs are covered in test_views and test_api.
"""

import tempfile
from pathlib import Path

from django.test import override_settings

from shuanglian.conftest import NUANQUAN
from shuanglian.core.tests.test_permission_matrix import ADMIN, LONGCHENG_VILLAGE, OFFICERS, Route
from shuanglian.imports.models import ImportKind, ImportMode
from shuanglian.imports.tasks import import_dir, import_start, new_upload_path
from shuanglian.imports.tests.files import person, write_csv

# The worker's part runs inside import_start, as `shuanglian serve`'s worker would run it.
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

JOBS = ("job_g", "job_l")

PAGES = {
    "imports:index": Route("/imports/", "import", methods=("get", "post")),
    "imports:template": Route("/imports/template.xlsx", "list"),
    "imports:detail": Route("/imports/{pk}/", "read", JOBS),
    "imports:errors": Route("/imports/{pk}/errors.xlsx", "read", JOBS),
}

API = {
    ("post", "/api/v1/imports"): Route("/api/v1/imports", "import", methods=("post",)),
    ("get", "/api/v1/imports/{job_id}"): Route("/api/v1/imports/{pk}", "read", JOBS),
    ("get", "/api/v1/imports/{job_id}/errors"): Route("/api/v1/imports/{pk}/errors", "read", JOBS),
}

SEES = {"job_g": frozenset({ADMIN}), "job_l": frozenset({ADMIN})}

# Importing writes households: those who may write somewhere (the service checks each village).
WRITES = {("import", None): OFFICERS}

_files = None


def _files_in_a_temporary_directory() -> None:
    # Uploads, progress and error reports go to a temporary directory, not the project's var/.
    global _files
    if _files is None and not str(import_dir()).startswith(tempfile.gettempdir()):
        _files = override_settings(IMPORT_DIR=Path(tempfile.mkdtemp(prefix="shuanglian-imports-")))
        _files.enable()


def _job(admin, village: str, number: str):
    rows = [
        person(number, "王建祥", village=village),
        person(number, "李爱仙", "配偶", id_number="620522197005060001"),
    ]
    path = write_csv(new_upload_path("world.csv"), rows)
    with override_settings(TASKS=IMMEDIATE):
        job = import_start(
            actor=admin,
            path=path,
            file_name=f"{number}.csv",
            kind=ImportKind.HOUSEHOLDS,
            mode=ImportMode.VALID,
        )
    job.refresh_from_db()
    return job


def extend_world(world, admin) -> None:
    _files_in_a_temporary_directory()
    world["job_g"] = _job(admin, NUANQUAN, "6205221042009901")
    world["job_l"] = _job(admin, LONGCHENG_VILLAGE, "6205221032009901")
