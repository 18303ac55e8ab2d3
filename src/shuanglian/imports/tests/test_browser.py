"""A town officer uploads a filled-in template with two bad rows, watches the progress page
reach the end, and downloads the error report. Debian's chromium through Playwright, as in
core's browser test.
"""

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from python_calamine import CalamineWorkbook

from shuanglian.conftest import NUANQUAN, SCREENSHOTS
from shuanglian.core.idcard import ID_CHECKSUM
from shuanglian.households.models import Household
from shuanglian.households.tests import factories as hf
from shuanglian.imports.layouts import HEADERS, HOUSEHOLD_COLUMNS
from shuanglian.imports.models import ImportJob, ImportStatus
from shuanglian.regions.selectors import REGION_NOT_FOUND

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNKNOWN_VILLAGE = "620522104999"


@pytest.fixture
def page(browser, live_server, tmp_path):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    # The queued import waits in the database for the worker the test runs.
    with override_settings(IMPORT_DIR=tmp_path / "imports"):
        yield page
    context.close()


def row(number, name, relation="户主", *, village=NUANQUAN, id_number=None) -> dict:
    return {
        "村代码": village,
        "户编号": number,
        "户类别": "贫困户",
        "主要致贫原因": "因病",
        "姓名": name,
        "身份证号": id_number or hf.id_number(birth=dt.date(1968, 3, 9)),
        "与户主关系": relation,
    }


def filled_template(path: Path) -> Path:
    """The template's layout: a merged title row, the headers, text columns formatted as text.
    Rows 3–4 and 6 are good; row 5 has a wrong check character, row 7 an unknown village."""
    good_id = hf.id_number(birth=dt.date(1971, 4, 2))
    rows = [
        row("6205221042000201", "王建祥"),
        row("6205221042000201", "李爱仙", "配偶"),
        row(
            "6205221042000202",
            "赵六",
            id_number=good_id[:17] + ("0" if good_id[17] != "0" else "1"),
        ),
        row("6205221042000203", "张秀兰"),
        row("6205221042000204", "钱七", village=UNKNOWN_VILLAGE),
    ]
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("户和成员")
        as_text = book.add_format({"num_format": "@"})
        sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "户和家庭成员导入表")
        for position, column in enumerate(HOUSEHOLD_COLUMNS):
            sheet.write_string(1, position, column.header)
            sheet.set_column(position, position, 16, as_text if column.text else None)
        for line, values in enumerate(rows, start=2):
            for position, header in enumerate(HEADERS):
                sheet.write_string(line, position, values.get(header, ""))
    return path


def zh(message, **values) -> str:
    with translation.override("zh-hans"):
        return str(message).format(**values)


def test_officer_imports_a_template_and_downloads_the_error_report(page, town_officer,
                                                                    tmp_path):  # fmt: skip
    upload = filled_template(tmp_path / "郭嘉镇户籍.xlsx")
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(town_officer.username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.get_by_role("link", name="导入").first.click()
    page.wait_for_load_state()
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#id_mode_1").check()  # import the valid rows, report the rest
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-upload.png"), full_page=True)
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state()

    job = ImportJob.objects.get()
    assert page.url.endswith(f"/imports/{job.pk}/")
    assert page.locator("#progress").get_attribute("hx-trigger") == "every 1s"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    # htmx polls every second; the finished fragment stops polling and shows the counts.
    page.locator("#count-created").wait_for()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert page.locator("#job-status").inner_text().strip() == zh(job.get_status_display())
    assert page.locator("#count-created").inner_text() == "3"
    assert page.locator("#count-rejected").inner_text() == "2"
    assert page.locator("#rows-read").inner_text().strip() == "5"
    assert Household.objects.count() == 2
    page.screenshot(path=str(SCREENSHOTS / "import-progress.png"), full_page=True)

    with page.expect_download() as info:
        page.locator("#error-report").click()
    report = tmp_path / "report.xlsx"
    info.value.save_as(report)
    problems = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    found = {(int(line[0]), line[1], line[2]) for line in problems[1:]}
    assert found == {
        (5, "身份证号", zh(ID_CHECKSUM)),
        (7, "村代码", zh(REGION_NOT_FOUND, code=UNKNOWN_VILLAGE)),
    }
