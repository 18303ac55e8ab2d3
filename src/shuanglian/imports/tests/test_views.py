import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineWorkbook

from shuanglian.conftest import NUANQUAN
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.households.models import Household
from shuanglian.imports import forms as f
from shuanglian.imports.models import ImportJob, ImportKind, ImportMode, ImportStatus
from shuanglian.imports.tasks import job_dir, upload_dir
from shuanglian.imports.tests.files import person, two_households, write_csv, write_xlsx
from shuanglian.regions.tests.pages import assert_login_redirect, assert_same_404, zh

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DEFERRED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def import_files(tmp_path):
    """Uploads, progress and reports in a temporary directory; tasks run at once."""
    with override_settings(IMPORT_DIR=tmp_path / "imports", TASKS=IMMEDIATE):
        yield tmp_path / "imports"


def bad_rows() -> list[dict]:
    return [
        *two_households(),
        person("6205221042000103", "赵六", id_number="620522197005060001"),
        person("6205221042000104", "钱七", village="620522104999"),
    ]


def upload(client, path, mode=ImportMode.VALID, kind="households"):
    with path.open("rb") as handle:
        return client.post("/imports/", {"kind": kind, "mode": mode, "file": handle})


def test_officer_uploads_and_sees_counts_and_error_report(login, town_officer, import_files,
                                                          tmp_path):  # fmt: skip
    client = login(town_officer)
    response = upload(client, write_xlsx(tmp_path / "registry.xlsx", bad_rows()))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    assert (job.user, job.status, job.file_name) == (
        town_officer,
        ImportStatus.DONE,
        "registry.xlsx",
    )
    assert (job.created, job.rejected) == (3, 2)
    assert Household.objects.count() == 2
    assert list(upload_dir().iterdir()) == []  # the upload is not kept
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="count-created">3<' in text
    assert 'id="count-rejected">2<' in text
    assert f'href="/imports/{job.pk}/errors.xlsx"' in text
    assert "hx-trigger" not in text  # finished: no more polling
    report = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith("attachment")
    saved = tmp_path / "report.xlsx"
    saved.write_bytes(b"".join(report.streaming_content))
    rows = CalamineWorkbook.from_path(str(saved)).get_sheet_by_index(0).to_python()
    # Title, group and header rows come first: the five people are rows 4 to 8.
    assert [int(row[0]) for row in rows[1:]] == [7, 8]


def test_running_job_polls_with_htmx_and_shows_progress(login, town_officer, tmp_path):
    client = login(town_officer)
    with override_settings(IMPORT_DIR=tmp_path / "imports", TASKS=DEFERRED):
        response = upload(client, write_csv(tmp_path / "a.csv", two_households()))
        job = ImportJob.objects.get()
        assert job.status == ImportStatus.RUNNING
        page = client.get(response["Location"]).content.decode()
        assert 'hx-trigger="every 1s"' in page
        assert zh(_("Waiting for the worker to start…")) in page
        fragment = client.get(response["Location"], headers={"HX-Request": "true"})
        assert fragment.content.decode().lstrip().startswith("<section")
        assert (job_dir(job.pk) / "progress.json").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("registry.txt", b"abc", f.FILE_TYPE_REFUSED.format(name="registry.txt")),
        ("registry.csv", b"", f.FILE_EMPTY),
    ],
)
def test_bad_files_are_refused_and_not_kept(login, town_officer, import_files, name, content,
                                            message):  # fmt: skip
    client = login(town_officer)
    file = SimpleUploadedFile(name, content)
    response = client.post("/imports/", {"kind": "households", "mode": "valid", "file": file})
    assert response.status_code == 400
    assert zh(message) in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not upload_dir().exists() or list(upload_dir().iterdir()) == []


def test_missing_file_and_too_large_file(login, town_officer, import_files, tmp_path):
    client = login(town_officer)
    response = client.post("/imports/", {"kind": "households", "mode": "valid"})
    assert response.status_code == 400
    assert zh(f.FILE_REQUIRED) in response.content.decode()
    with override_settings(IMPORT_MAX_MB=1):
        big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 10))
        response = client.post("/imports/", {"kind": "households", "mode": "valid", "file": big})
    assert response.status_code == 400
    assert zh(f.FILE_TOO_LARGE, limit=1) in response.content.decode()
    assert list(upload_dir().iterdir()) == []
    assert not ImportJob.objects.exists()


def test_every_kind_is_offered_with_its_template(login, town_officer, import_files):
    page = login(town_officer).get("/imports/").content.decode()
    assert page.count("<option") == len(ImportKind.values)
    for kind in ImportKind.values:
        assert f'value="{kind}"' in page
        assert f'href="/imports/template.xlsx?kind={kind}"' in page
    assert 'href="/imports/template.xlsx"' in page


@pytest.mark.parametrize("persona", ["viewer", "cadre_user", "unit_admin"])
def test_readers_cannot_import(request, login, persona, import_files, tmp_path):
    client = login(request.getfixturevalue(persona))
    assert client.get("/imports/").status_code == 403
    response = upload(client, write_csv(tmp_path / "a.csv", two_households()))
    assert response.status_code == 403
    assert zh(WRITE_FORBIDDEN) in response.content.decode()
    assert not ImportJob.objects.exists()
    assert 'href="/imports/"' not in client.get("/").content.decode()


def test_out_of_scope_village_is_reported_not_written(login, other_town_officer, import_files,
                                                      tmp_path):  # fmt: skip
    client = login(other_town_officer)
    upload(client, write_csv(tmp_path / "a.csv", two_households()))
    job = ImportJob.objects.get()
    assert (job.created, job.rejected) == (0, 3)
    assert not Household.objects.filter(village_id=NUANQUAN).exists()


def test_a_user_sees_only_their_own_jobs(login, town_officer, county_officer, admin_user,
                                         import_files, tmp_path):  # fmt: skip
    upload(login(town_officer), write_csv(tmp_path / "a.csv", bad_rows()))
    job = ImportJob.objects.get()
    client = login(county_officer)
    for suffix in ("", "errors.xlsx"):
        assert_same_404(client, f"/imports/{job.pk}/{suffix}", f"/imports/999999/{suffix}")
    assert f"/imports/{job.pk}/" not in client.get("/imports/").content.decode()
    admin = login(admin_user)
    assert admin.get(f"/imports/{job.pk}/").status_code == 200
    assert admin.get(f"/imports/{job.pk}/errors.xlsx").status_code == 200


def test_job_without_problems_has_no_error_report(login, town_officer, import_files, tmp_path):
    client = login(town_officer)
    upload(client, write_csv(tmp_path / "a.csv", two_households()))
    job = ImportJob.objects.get()
    assert "error-report" not in client.get(f"/imports/{job.pk}/").content.decode()
    assert client.get(f"/imports/{job.pk}/errors.xlsx").status_code == 404


def test_template_download_is_the_template(login, viewer, tmp_path):
    response = login(viewer).get("/imports/template.xlsx")
    assert response.status_code == 200
    saved = tmp_path / "t.xlsx"
    saved.write_bytes(response.content)
    rows = CalamineWorkbook.from_path(str(saved)).get_sheet_by_index(0).to_python()
    assert "身份证号" in rows[1]


def test_recent_jobs_list_has_constant_queries(login, town_officer, import_files, tmp_path,
                                               django_assert_max_num_queries):  # fmt: skip
    client = login(town_officer)
    for number in range(3):
        upload(client, write_csv(tmp_path / f"{number}.csv", two_households()))
    with django_assert_max_num_queries(8):
        page = client.get("/imports/")
    assert page.content.decode().count('href="/imports/') >= 3


def test_anonymous_is_sent_to_login(client):
    assert_login_redirect(client.get("/imports/"))
    assert_login_redirect(client.get("/imports/1/"))


def test_english_page(login, town_officer, import_files):
    client = login(town_officer)
    client.cookies["django_language"] = "en"
    page = client.get("/imports/").content.decode()
    assert "Import registry files" in page
    assert "Download the template (.xlsx)" in page


def test_upload_without_csrf_token_is_refused(town_officer, import_files, tmp_path):
    """The page sets its upload handler before the CSRF check, which it then makes itself."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(town_officer)
    client.cookies["csrftoken"] = "a" * 32
    path = write_csv(tmp_path / "a.csv", two_households())
    with path.open("rb") as handle:
        response = client.post(
            "/imports/", {"csrfmiddlewaretoken": "b" * 32, "mode": "valid", "file": handle}
        )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    assert not upload_dir().exists() or list(upload_dir().iterdir()) == []


def test_page_imports_another_kind(login, town_officer, import_files, tmp_path):
    from shuanglian.imports.layouts import LAYOUTS
    from shuanglian.units.models import Unit

    row = {
        "单位名称": "郭嘉镇中心小学",
        "单位类别": "学校",
        "单位级别": "乡级",
        "所在区划代码": NUANQUAN,
    }
    path = write_csv(tmp_path / "u.csv", [row], headers=LAYOUTS["units"].headers)
    client = login(town_officer)
    with path.open("rb") as handle:
        client.post("/imports/", {"kind": "units", "mode": "valid", "file": handle})
    job = ImportJob.objects.get()
    assert (job.kind, job.status, job.created) == ("units", ImportStatus.DONE, 1)
    assert Unit.objects.get().home_region_id == NUANQUAN
    assert zh(ImportKind.UNITS.label) in client.get("/imports/").content.decode()


def test_template_of_an_unknown_kind_is_not_found(login, viewer):
    assert login(viewer).get("/imports/template.xlsx?kind=visits").status_code == 404
