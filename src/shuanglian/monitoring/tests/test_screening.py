"""The risk screening flags exactly the households that meet a rule, with the right reasons;
near misses just above a threshold, households of other categories and households outside the
region are left alone; running it again changes nothing."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from shuanglian.conftest import GUOJIA, NUANQUAN
from shuanglian.core.errors import Forbidden, NotFound
from shuanglian.core.models import AuditEvent
from shuanglian.households.tests import factories as hf
from shuanglian.monitoring.models import (
    CaseReason,
    CaseSource,
    MonitoringCase,
    ReasonCode,
    ScreeningStatus,
)
from shuanglian.monitoring.reasons import reason_text
from shuanglian.monitoring.services import months_before, screening_run
from shuanglian.monitoring.tests import factories as mf

pytestmark = pytest.mark.django_db
LONGCHENG_VILLAGE = "620522103200"
HUAIMIAO = "620522104238"


@pytest.fixture
def fixture_households(admin_user):
    """Households meeting each rule, and near misses just on the safe side of each threshold.

    The shipped lines: monitoring 2021 = 6,000 yuan (carried on to later years); poverty 2019 =
    3,218 yuan (used for years before the first monitoring line).
    """
    made = {}

    def household(name, village=NUANQUAN, category="exited", members=0):
        h = hf.household(actor=admin_user, village=village, head_name=name, category=category)
        for n in range(members):
            mf.worker(actor=admin_user, household=h, name=f"{name}家{n}")
        h.refresh_from_db()
        made[name] = h
        return h

    year = mf.today().year - 1
    # Income below the monitoring line, and exactly on it (not below).
    mf.income(actor=admin_user, household=household("低收入"), year=2021, net=Decimal("5999.99"))
    mf.income(actor=admin_user, household=household("恰在线"), year=2021, net=Decimal("6000.00"))
    # After 2021, the 2021 monitoring line holds until a new one is entered.
    mf.income(actor=admin_user, household=household("近年低"), year=year, net=Decimal("5800"))
    mf.income(actor=admin_user, household=household("近年高"), year=year, net=Decimal("6000.01"))
    # Before any monitoring line: the poverty line of the year.
    mf.income(actor=admin_user, household=household("旧年低"), year=2019, net=Decimal("3000"))
    mf.income(actor=admin_user, household=household("旧年够"), year=2019, net=Decimal("3218.01"))
    # Only the latest year counts: poor in 2020, fine in 2021.
    h = household("已好转")
    mf.income(actor=admin_user, household=h, year=2020, net=Decimal("3000"))
    mf.income(actor=admin_user, household=h, year=2021, net=Decimal("9000"))
    # Expenses over half of the yearly net income (10,000 × 2 people = 20,000).
    for name, amount in (("大病", "10000.01"), ("病恰半", "10000.00")):
        h = household(name, members=1)
        mf.income(actor=admin_user, household=h, year=2021, net=Decimal("10000"), population=2)
        mf.event(actor=admin_user, household=h, amount=amount)
    # Expenses older than twelve months do not count.
    h = household("旧病", members=1)
    mf.income(actor=admin_user, household=h, year=2021, net=Decimal("10000"), population=2)
    mf.event(
        actor=admin_user,
        household=h,
        amount="15000",
        occurred_on=months_before(mf.today(), 12) - dt.timedelta(days=1),
    )
    # An assurance item failing now; one that failed and was fixed.
    h = household("危房")
    mf.income(actor=admin_user, household=h, year=2021, net=Decimal("9000"))
    mf.assurance(actor=admin_user, household=h, item="housing", met=False)
    h = household("已改造")
    mf.income(actor=admin_user, household=h, year=2021, net=Decimal("9000"))
    mf.assurance(
        actor=admin_user,
        household=h,
        item="housing",
        met=False,
        checked_on=mf.today() - dt.timedelta(days=90),
    )
    mf.assurance(actor=admin_user, household=h, item="housing", met=True)
    # Two rules at once: two reasons.
    h = household("双重", village=HUAIMIAO, category="general")
    mf.income(actor=admin_user, household=h, year=2021, net=Decimal("4000"))
    mf.assurance(actor=admin_user, household=h, item="water", met=False)
    # Meets a rule but is a 贫困户 (the poverty procedures, not monitoring), or out of the region.
    mf.income(
        actor=admin_user, household=household("贫困户", category="poor"), year=2021, net=Decimal(1)
    )
    mf.income(
        actor=admin_user,
        household=household("外镇", village=LONGCHENG_VILLAGE),
        year=2021,
        net=Decimal(1),
    )
    return made


EXPECTED = {
    "低收入": {ReasonCode.INCOME_BELOW_LINE},
    "近年低": {ReasonCode.INCOME_BELOW_LINE},
    "旧年低": {ReasonCode.INCOME_BELOW_LINE},
    "大病": {ReasonCode.LARGE_EXPENSE},
    "危房": {ReasonCode.ASSURANCE_FAILED},
    "双重": {ReasonCode.INCOME_BELOW_LINE, ReasonCode.ASSURANCE_FAILED},
}


def flagged_reasons() -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for reason in CaseReason.objects.select_related("case__household"):
        result.setdefault(reason.case.household.head_name, set()).add(reason.code)
    return result


def test_screening_flags_exactly_the_households_meeting_a_rule(fixture_households, town_officer):
    run = screening_run(actor=town_officer, region_code=GUOJIA, batch_size=3)
    assert flagged_reasons() == EXPECTED
    assert run.status == ScreeningStatus.DONE
    assert run.total == run.screened == len(fixture_households) - 2  # not the 贫困户, not 外镇
    assert run.flagged == run.created_cases == len(EXPECTED)
    assert set(MonitoringCase.objects.values_list("source", flat=True)) == {CaseSource.SCREENING}


def test_reasons_read_as_sentences_with_their_figures(fixture_households, town_officer):
    screening_run(actor=town_officer, region_code=GUOJIA)
    reasons = {
        (r.case.household.head_name, r.code): r
        for r in CaseReason.objects.select_related("case__household")
    }
    with translation.override("zh-hans"):
        income = reason_text(**_args(reasons[("低收入", ReasonCode.INCOME_BELOW_LINE)]))
        old = reason_text(**_args(reasons[("旧年低", ReasonCode.INCOME_BELOW_LINE)]))
        expense = reason_text(**_args(reasons[("大病", ReasonCode.LARGE_EXPENSE)]))
        housing = reason_text(**_args(reasons[("危房", ReasonCode.ASSURANCE_FAILED)]))
    assert "2021" in income and "5,999.99" in income and "6,000.00" in income and "监测" in income
    assert "3,218.00" in old and "扶贫标准" in old
    assert "10,000.01" in expense and "20,000.00" in expense and "50%" in expense
    assert "住房" in housing
    with translation.override("en"):
        assert "below that year's monitoring line of 6,000.00 yuan" in reason_text(
            **_args(reasons[("低收入", ReasonCode.INCOME_BELOW_LINE)])
        )


def _args(reason) -> dict:
    return {"code": reason.code, "params": reason.params}


def test_screening_again_is_idempotent(fixture_households, town_officer, admin_user):
    screening_run(actor=town_officer, region_code=GUOJIA)
    before = list(CaseReason.objects.order_by("id").values_list("id", "params", "detected_on"))
    again = screening_run(actor=town_officer, region_code=GUOJIA, batch_size=4)
    assert again.created_cases == 0 and again.updated_cases == 0
    assert again.flagged == len(EXPECTED)
    assert MonitoringCase.objects.count() == len(EXPECTED)
    assert (
        list(CaseReason.objects.order_by("id").values_list("id", "params", "detected_on")) == before
    )
    # New evidence on a flagged household updates its open case: a reason more, no new case.
    mf.assurance(actor=admin_user, household=fixture_households["低收入"], item="water", met=False)
    third = screening_run(actor=town_officer, region_code=GUOJIA)
    assert third.created_cases == 0 and third.updated_cases == 1
    assert MonitoringCase.objects.count() == len(EXPECTED)
    assert flagged_reasons()["低收入"] == {
        ReasonCode.INCOME_BELOW_LINE,
        ReasonCode.ASSURANCE_FAILED,
    }


def test_screening_is_audited_once_per_run(fixture_households, town_officer):
    run = screening_run(actor=town_officer, region_code=GUOJIA)
    rows = AuditEvent.objects.filter(object_type="monitoring.ScreeningRun", object_id=str(run.pk))
    assert rows.count() == 1
    assert rows.get().changes["flagged"] == [None, len(EXPECTED)]
    assert rows.get().region_code == GUOJIA


def test_screening_needs_the_region_in_scope_and_writable(
    fixture_households, other_town_officer, viewer, county_officer
):
    with pytest.raises(NotFound):
        screening_run(actor=other_town_officer, region_code=GUOJIA)
    with pytest.raises(Forbidden):
        screening_run(actor=viewer, region_code=GUOJIA)
    # The county officer screens the whole county: 外镇 in 陇城镇 is flagged too.
    screening_run(actor=county_officer, region_code="620522")
    assert set(flagged_reasons()) == set(EXPECTED) | {"外镇"}


def test_a_smaller_share_setting_flags_the_near_miss(fixture_households, town_officer, settings):
    settings.MONITORING_EXPENSE_SHARE = 0.4
    screening_run(actor=town_officer, region_code=GUOJIA)
    assert ReasonCode.LARGE_EXPENSE in flagged_reasons()["病恰半"]


def test_the_command_line_prints_progress(fixture_households):
    out = StringIO()
    call_command("screen", "--region", GUOJIA, "--batch", "4", stdout=out)
    text = out.getvalue()
    assert text.count("households/s") >= 3  # the start and one line per batch
    assert "ETA" in text
    assert f"{len(EXPECTED)} flagged" in text and "Done in" in text
    assert set(flagged_reasons()) == set(EXPECTED)


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_page_starts_a_background_screening_and_shows_its_progress(
    fixture_households, town_officer, login
):
    client = login(town_officer)
    with override_settings(TASKS=IMMEDIATE):
        response = client.post("/monitoring/screenings/new/", {"region": GUOJIA})
    assert response.status_code == 302
    detail = response["Location"]
    page = client.get(detail)
    assert 'data-status="done"' in page.content.decode()
    partial = client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith("<section") and f">{len(EXPECTED)}<" in partial
    assert set(flagged_reasons()) == set(EXPECTED)
