import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from python_calamine import CalamineWorkbook

from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.imports import forms as f
from shuanglian.imports.models import ImportJob, ImportStatus
from shuanglian.imports.selectors import IMPORT_JOB_NOT_FOUND
from shuanglian.imports.tasks import KIND_UNKNOWN, upload_dir
from shuanglian.imports.tests.files import two_households, write_csv
from shuanglian.imports.tests.test_views import DEFERRED, IMMEDIATE, bad_rows


@pytest.fixture
def import_files(tmp_path):
    """Uploads, progress and reports in a temporary directory; tasks run at once."""
    with override_settings(IMPORT_DIR=tmp_path / "imports", TASKS=IMMEDIATE):
        yield tmp_path / "imports"


def plain(message, **values) -> str:
    from django.utils.translation import override

    with override("zh-hans"):
        return str(message).format(**values) if values else str(message)


def post(client, path, **data):
    with path.open("rb") as handle:
        return client.post("/api/v1/imports", {"file": handle, **data})


def bearer(user) -> Client:
    """A client with a token and no session: nothing reads the body before the operation."""
    answer = (
        Client()
        .post(
            "/api/v1/auth/token",
            {"username": user.username, "password": "Test@12345"},
            content_type="application/json",
        )
        .json()
    )
    return Client(headers={"Authorization": f"Bearer {answer['token']}"})


def test_post_returns_the_job_then_status_and_errors(login, town_officer, import_files, tmp_path):
    client = login(town_officer)
    response = post(client, write_csv(tmp_path / "a.csv", bad_rows()), mode="valid")
    assert response.status_code == 201, response.content
    body = response.json()
    job = ImportJob.objects.get()
    assert body["id"] == job.pk
    assert body["status"] == ImportStatus.DONE
    assert body["counts"]["created"] == 3
    assert body["counts"]["rejected"] == 2
    assert body["progress"]["rows_read"] == 5
    assert body["errors_url"] == f"/api/v1/imports/{job.pk}/errors"
    assert client.get(f"/api/v1/imports/{job.pk}").json()["counts"] == body["counts"]
    report = client.get(body["errors_url"])
    assert report.status_code == 200
    saved = tmp_path / "e.xlsx"
    saved.write_bytes(b"".join(report.streaming_content))
    rows = CalamineWorkbook.from_path(str(saved)).get_sheet_by_index(0).to_python()
    assert [int(row[0]) for row in rows[1:]] == [5, 6]


def test_bearer_upload_streams_through_the_import_handler(town_officer, import_files, tmp_path):
    client = bearer(town_officer)
    response = post(client, write_csv(tmp_path / "a.csv", two_households()))
    assert response.status_code == 201, response.content
    assert response.json()["counts"]["created"] == 3
    assert list(upload_dir().iterdir()) == []


def test_running_job_reports_progress_fields(login, town_officer, tmp_path):
    client = login(town_officer)
    with override_settings(IMPORT_DIR=tmp_path / "imports", TASKS=DEFERRED):
        body = post(client, write_csv(tmp_path / "a.csv", two_households())).json()
        assert body["status"] == ImportStatus.RUNNING
        assert body["progress"]["rows_read"] == 0
        assert body["errors_url"] is None


@pytest.mark.parametrize(
    ("name", "content", "data", "message"),
    [
        ("a.txt", b"abc", {}, f.FILE_TYPE_REFUSED.format(name="a.txt")),
        ("a.csv", b"", {}, f.FILE_EMPTY),
        ("a.csv", b"x\n", {"kind": "visits"}, KIND_UNKNOWN.format(value="visits")),
    ],
)
def test_bad_uploads_are_400_and_nothing_kept(login, town_officer, import_files, name, content,
                                             data, message):  # fmt: skip
    client = login(town_officer)
    file = SimpleUploadedFile(name, content)
    response = client.post("/api/v1/imports", {"file": file, **data})
    assert response.status_code == 400
    assert response.json()["message"] == plain(message)
    assert not ImportJob.objects.exists()
    assert not upload_dir().exists() or list(upload_dir().iterdir()) == []


def test_missing_file_is_400(login, town_officer, import_files):
    response = login(town_officer).post("/api/v1/imports", {"mode": "valid"})
    assert response.status_code == 400
    assert response.json()["message"] == plain(f.FILE_REQUIRED)


@pytest.mark.parametrize("persona", ["viewer", "cadre_user", "unit_admin"])
def test_readers_get_403(request, login, persona, import_files, tmp_path):
    client = login(request.getfixturevalue(persona))
    response = post(client, write_csv(tmp_path / "a.csv", two_households()))
    assert response.status_code == 403
    assert response.json()["message"] == plain(WRITE_FORBIDDEN)
    assert not ImportJob.objects.exists()


def test_other_users_jobs_are_404_like_missing(login, town_officer, county_officer, import_files,
                                               tmp_path):  # fmt: skip
    post(login(town_officer), write_csv(tmp_path / "a.csv", bad_rows()))
    job = ImportJob.objects.get()
    client = login(county_officer)
    for suffix in ("", "/errors"):
        hidden = client.get(f"/api/v1/imports/{job.pk}{suffix}")
        missing = client.get(f"/api/v1/imports/999999{suffix}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["message"] == plain(IMPORT_JOB_NOT_FOUND, id=job.pk)
        assert missing.json()["message"] == plain(IMPORT_JOB_NOT_FOUND, id=999999)


def test_anonymous_gets_401(client):
    assert client.post("/api/v1/imports").status_code == 401
    assert client.get("/api/v1/imports/1").status_code == 401


def test_post_another_kind_runs_it_and_reports_in_its_columns(login, town_officer, admin_user,
                                                               import_files, tmp_path):  # fmt: skip
    from shuanglian.households.models import IncomeRecord
    from shuanglian.households.tests import factories as hf
    from shuanglian.imports.layouts import LAYOUTS

    hf.household(actor=admin_user, number="H-1")
    rows = [
        {"户编号": "H-1", "年度": "2023", "工资性收入": "100"},
        {"户编号": "H-1", "年度": "1999"},
    ]
    path = write_csv(tmp_path / "i.csv", rows, headers=LAYOUTS["incomes"].headers)
    client = login(town_officer)
    body = post(client, path, kind="incomes").json()
    assert (body["kind"], body["status"]) == ("incomes", ImportStatus.DONE)
    assert (body["counts"]["created"], body["counts"]["rejected"]) == (1, 1)
    assert IncomeRecord.objects.get().year == 2023
    saved = tmp_path / "e.xlsx"
    saved.write_bytes(b"".join(client.get(body["errors_url"]).streaming_content))
    report = CalamineWorkbook.from_path(str(saved)).get_sheet_by_index(0).to_python()
    assert report[0][3:] == list(LAYOUTS["incomes"].headers)
    assert report[1][:2] == [3, "年度"]
