import pytest

from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.imports import services as s
from shuanglian.imports.readers import FILE_TYPE_UNSUPPORTED
from shuanglian.imports.selectors import import_job_get, visible_import_jobs
from shuanglian.imports.tests.files import two_households, write_xlsx


def test_users_see_their_own_runs_and_administrators_all(
    town_officer, other_town_officer, admin_user, tmp_path
):
    path = write_xlsx(tmp_path / "a.xlsx", two_households())
    job = s.household_import(actor=town_officer, path=path, mode="validate").job
    assert list(visible_import_jobs(town_officer)) == [job]
    assert list(visible_import_jobs(admin_user)) == [job]
    assert list(visible_import_jobs(other_town_officer)) == []
    with pytest.raises(NotFound):
        import_job_get(user=other_town_officer, pk=job.pk)
    assert import_job_get(user=town_officer, pk=job.pk) == job


def test_unsupported_file_and_unknown_mode_are_refused(town_officer, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    with pytest.raises(InvalidInput) as error:
        s.household_import(actor=town_officer, path=path)
    assert str(error.value.message) == str(FILE_TYPE_UNSUPPORTED).format(name="a.txt")
    with pytest.raises(InvalidInput) as error:
        s.household_import(actor=town_officer, path=path, mode="some")
    assert str(error.value.message) == str(s.MODE_UNKNOWN).format(value="some")
