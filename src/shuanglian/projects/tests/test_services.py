import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shuanglian.conftest import GUOJIA, NUANQUAN
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.pairings.models import VillagePairing
from shuanglian.pairings.services import village_pairing_end
from shuanglian.projects import services
from shuanglian.projects.models import Funding, FundingSource, Project, ProjectStatus
from shuanglian.projects.selectors import funding_totals
from shuanglian.projects.tests import factories
from shuanglian.regions.selectors import REGION_NOT_FOUND
from shuanglian.regions.tests.pages import zh
from shuanglian.units.tests import factories as units

LONGCHENG_VILLAGE = "620522103200"


def message(err) -> str:
    return zh(err.value.message)


@pytest.fixture
def unit(admin_user):
    return units.unit(actor=admin_user, name="县委宣传部")


def test_create_sets_unit_of_quantity_history_and_audit(admin_user, unit):
    project = factories.project(
        actor=admin_user, quantity="300", budget="450000", lead_unit_id=unit.pk,
        contributing_unit_ids=[unit.pk],
    )  # fmt: skip
    assert project.quantity_unit == "平方米"
    assert project.status == ProjectStatus.PLANNED
    assert list(project.contributing_units.all()) == [unit]
    change = project.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", "planned", admin_user)
    event = AuditEvent.objects.get(object_type="projects.Project", object_id=str(project.pk))
    assert event.region_code == NUANQUAN
    assert event.changes["budget"] == [None, "450000"]


def test_town_officer_creates_in_own_town_only(town_officer):
    factories.project(actor=town_officer)
    with pytest.raises(InvalidInput) as err:
        factories.project(actor=town_officer, village=LONGCHENG_VILLAGE)
    assert message(err) == zh(REGION_NOT_FOUND, code=LONGCHENG_VILLAGE)


def test_project_must_be_in_a_village(admin_user):
    with pytest.raises(InvalidInput) as err:
        factories.project(actor=admin_user, village=GUOJIA)
    assert err.value.field == "village"
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "constant"),
    [
        ("quantity", "-1", services.PROJECT_QUANTITY_INVALID),
        ("budget", "-5", services.PROJECT_BUDGET_INVALID),
        ("budget", "100000000000", services.PROJECT_BUDGET_INVALID),
        ("budget", "abc", services.PROJECT_BUDGET_INVALID),
        ("budget", "1.001", services.PROJECT_BUDGET_INVALID),
        ("year", 1800, None),
        ("name", " ", services.PROJECT_NAME_REQUIRED),
    ],
)
def test_bad_values_are_refused_and_nothing_saved(admin_user, field, value, constant):
    with pytest.raises(InvalidInput) as err:
        factories.project(actor=admin_user, **{field: value})
    assert err.value.field == field
    if constant is not None:
        assert message(err) == zh(constant)
    assert Project.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="projects.Project").exists()


def test_year_message_names_the_range(admin_user):
    high = timezone.localdate().year + services.YEARS_AHEAD
    with pytest.raises(InvalidInput) as err:
        factories.project(actor=admin_user, year=high + 1)
    assert message(err) == zh(services.PROJECT_YEAR_OUT_OF_RANGE, low=2000, high=high)


def test_units_must_be_visible(other_town_officer, admin_user):
    # A unit of 郭嘉镇 paired nowhere: not visible from 陇城镇.
    hidden = units.unit(actor=admin_user, name="郭嘉中学", region=GUOJIA, level="township")
    with pytest.raises(InvalidInput) as err:
        factories.project(
            actor=other_town_officer, village=LONGCHENG_VILLAGE, lead_unit_id=hidden.pk
        )
    assert message(err) == zh(services.PROJECT_UNIT_NOT_FOUND, id=hidden.pk)
    with pytest.raises(InvalidInput):
        factories.project(
            actor=other_town_officer, village=LONGCHENG_VILLAGE, contributing_unit_ids=[hidden.pk]
        )
    assert Project.objects.count() == 0


def test_viewer_and_cadre_may_not_create(viewer, cadre_user):
    for user in (viewer, cadre_user):
        with pytest.raises(Forbidden):
            factories.project(actor=user)


def test_unit_admin_creates_projects_the_unit_leads(unit_admin):
    with pytest.raises(InvalidInput) as err:
        factories.project(actor=unit_admin)
    assert message(err) == zh(services.PROJECT_LEAD_UNIT_REQUIRED)
    project = factories.project(actor=unit_admin, lead_unit_id=unit_admin.unit_id)
    services.project_update(
        actor=unit_admin, project=project, village_code=NUANQUAN, name="新名称", type="road",
        year=2013, lead_unit_id=unit_admin.unit_id, progress=40,
    )  # fmt: skip
    project.refresh_from_db()
    assert (project.name, project.progress, project.quantity_unit) == ("新名称", 40, "公里")


def test_unit_admin_may_not_hand_the_project_away(unit_admin, admin_user, unit):
    project = factories.project(actor=admin_user, lead_unit_id=unit_admin.unit_id)
    with pytest.raises(InvalidInput):
        services.project_update(
            actor=unit_admin, project=project, village_code=NUANQUAN, name="x", type="road",
            year=2013, lead_unit_id=None,
        )  # fmt: skip
    project.refresh_from_db()
    assert project.lead_unit_id == unit_admin.unit_id


def test_unit_admin_may_not_write_other_units_projects(unit_admin, admin_user, unit):
    project = factories.project(actor=admin_user, lead_unit_id=unit.pk)
    with pytest.raises(Forbidden) as err:
        services.project_status_advance(
            actor=unit_admin, project=project, to_status="building", changed_on=dt.date(2012, 5, 1)
        )
    assert message(err) == zh(WRITE_FORBIDDEN)


def test_progress_is_a_percentage(admin_user):
    project = factories.project(actor=admin_user)
    for value in (-1, 101, "x"):
        with pytest.raises(InvalidInput) as err:
            services.project_update(
                actor=admin_user, project=project, village_code=NUANQUAN, name="x",
                type="road", year=2012, progress=value,
            )  # fmt: skip
        assert message(err) == zh(services.PROJECT_PROGRESS_INVALID)


def advance(actor, project, to_status, day=dt.date(2012, 5, 1), note=""):
    return services.project_status_advance(
        actor=actor, project=project, to_status=to_status, changed_on=day, note=note
    )


def test_status_advances_one_step_at_a_time(admin_user, town_officer):
    project = factories.project(actor=admin_user)
    advance(town_officer, project, "building", note="开工")
    advance(town_officer, project, "completed", dt.date(2012, 9, 1))
    project.refresh_from_db()
    assert (project.status, project.progress) == ("completed", 100)
    advance(town_officer, project, "accepted", dt.date(2012, 10, 1))
    history = [(c.from_status, c.to_status) for c in project.status_changes.all()]
    assert history == [
        ("", "planned"),
        ("planned", "building"),
        ("building", "completed"),
        ("completed", "accepted"),
    ]
    assert project.status_changes.last().changed_by == town_officer
    with pytest.raises(Conflict) as err:
        advance(town_officer, project, "accepted", dt.date(2012, 10, 2))
    assert message(err) == zh(services.PROJECT_STATUS_FINAL)
    # Completed projects keep 100 % even if an edit says otherwise.
    services.project_update(
        actor=admin_user, project=project, village_code=NUANQUAN, name="x", type="road",
        year=2012, progress=10,
    )  # fmt: skip
    project.refresh_from_db()
    assert project.progress == 100


@pytest.mark.parametrize("to_status", ["completed", "accepted", "planned", "nonsense"])
def test_skipping_or_going_back_is_refused(admin_user, to_status):
    project = factories.project(actor=admin_user)
    with pytest.raises(InvalidInput) as err:
        advance(admin_user, project, to_status)
    assert message(err) == zh(
        services.PROJECT_STATUS_STEP,
        current=ProjectStatus.PLANNED.label,
        next=ProjectStatus.BUILDING.label,
    )
    project.refresh_from_db()
    assert project.status == "planned"
    assert project.status_changes.count() == 1


def test_status_dates_are_checked(admin_user):
    project = factories.project(actor=admin_user)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as err:
        advance(admin_user, project, "building", tomorrow)
    assert message(err) == zh(services.PROJECT_STATUS_DATE_FUTURE)
    advance(admin_user, project, "building", dt.date(2012, 5, 1))
    with pytest.raises(InvalidInput) as err:
        advance(admin_user, project, "completed", dt.date(2012, 4, 1))
    assert message(err) == zh(services.PROJECT_STATUS_DATE_EARLY, date="2012-05-01")


def test_viewer_may_not_advance(admin_user, viewer):
    project = factories.project(actor=admin_user)
    with pytest.raises(Forbidden):
        advance(viewer, project, "building")


def test_funding_add_and_reverse(admin_user, unit):
    project = factories.project(actor=admin_user)
    entry = factories.funding(
        actor=admin_user, project=project, amount="120000.50", unit_id=unit.pk
    )
    factories.funding(actor=admin_user, project=project, amount="30000", source="fiscal")
    reversal = services.funding_reverse(actor=admin_user, entry=entry, reason="录入金额有误")
    assert reversal.amount == Decimal("-120000.50")
    assert reversal.reverses == entry
    assert (reversal.source, reversal.unit) == (entry.source, unit)
    entry.refresh_from_db()
    assert entry.amount == Decimal("120000.50")
    totals = funding_totals(admin_user, project=project)
    assert totals.by_source == {"unit": Decimal("0.00"), "fiscal": Decimal("30000.00")}
    assert totals.total == Decimal("30000")
    events = AuditEvent.objects.filter(object_type="projects.Funding")
    assert events.count() == 3
    assert {event.region_code for event in events} == {NUANQUAN}


def test_an_entry_is_reversed_once_and_a_reversal_never(admin_user):
    project = factories.project(actor=admin_user)
    entry = factories.funding(actor=admin_user, project=project)
    reversal = services.funding_reverse(actor=admin_user, entry=entry, reason="重复录入")
    with pytest.raises(Conflict) as err:
        services.funding_reverse(actor=admin_user, entry=entry, reason="再次")
    assert message(err) == zh(services.FUNDING_ALREADY_REVERSED)
    with pytest.raises(Conflict) as err:
        services.funding_reverse(actor=admin_user, entry=reversal, reason="再次")
    assert message(err) == zh(services.FUNDING_REVERSAL_FINAL)
    with pytest.raises(InvalidInput) as err:
        services.funding_reverse(actor=admin_user, entry=entry, reason=" ")
    assert message(err) == zh(services.FUNDING_REASON_REQUIRED)
    assert Funding.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "constant"),
    [
        ({"amount": "0"}, services.FUNDING_AMOUNT_INVALID),
        ({"amount": "-100"}, services.FUNDING_AMOUNT_INVALID),
        ({"amount": "10000000000.01"}, services.FUNDING_AMOUNT_INVALID),
        ({"amount": "1e400"}, services.FUNDING_AMOUNT_INVALID),
        ({"amount": "NaN"}, services.FUNDING_AMOUNT_INVALID),
        ({"amount": "12.345"}, services.FUNDING_AMOUNT_INVALID),
        ({"source": "lottery"}, None),
        ({"received_on": "future"}, services.FUNDING_DATE_FUTURE),
    ],
)
def test_bad_funding_is_refused(admin_user, values, constant):
    project = factories.project(actor=admin_user)
    if values.get("received_on") == "future":
        values["received_on"] = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as err:
        factories.funding(actor=admin_user, project=project, **values)
    if constant is not None:
        assert message(err) == zh(constant)
    else:
        assert message(err) == zh(services.FUNDING_SOURCE_INVALID, value="lottery")
    assert Funding.objects.count() == 0


def test_funding_needs_project_write(admin_user, viewer, unit_admin):
    project = factories.project(actor=admin_user)
    for user in (viewer, unit_admin):
        with pytest.raises(Forbidden):
            factories.funding(actor=user, project=project)
    entry = factories.funding(actor=admin_user, project=project)
    with pytest.raises(Forbidden):
        services.funding_reverse(actor=viewer, entry=entry, reason="x")


def test_totals_are_scoped_and_filtered(admin_user, town_officer, other_town_officer, unit):
    g = factories.project(actor=admin_user)
    other = factories.project(actor=admin_user, village=LONGCHENG_VILLAGE, name="常营村道路")
    factories.funding(actor=admin_user, project=g, amount="100", unit_id=unit.pk)
    factories.funding(actor=admin_user, project=g, amount="50", source=FundingSource.DONATION)
    factories.funding(actor=admin_user, project=other, amount="7", unit_id=unit.pk)
    assert funding_totals(admin_user).total == Decimal("157")
    assert funding_totals(town_officer).total == Decimal("150")
    assert funding_totals(other_town_officer).by_source == {"unit": Decimal("7.00")}
    assert funding_totals(admin_user, unit=unit).total == Decimal("107")
    assert funding_totals(admin_user, village=NUANQUAN).total == Decimal("150")
    assert funding_totals(admin_user, village=GUOJIA[:9]).total == Decimal("150")
    assert funding_totals(town_officer, village=LONGCHENG_VILLAGE).total == Decimal("0")
    rows = funding_totals(admin_user, project=g).rows()
    assert [(value, amount) for value, _label, amount in rows] == [
        ("unit", Decimal("100.00")),
        ("donation", Decimal("50.00")),
    ]


def test_planned_date_cannot_be_in_the_future(admin_user):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as err:
        factories.project(actor=admin_user, planned_on=tomorrow)
    assert message(err) == zh(services.PROJECT_STATUS_DATE_FUTURE)
    assert Project.objects.count() == 0


def test_lead_unit_keeps_its_project_after_the_pairing_ends(unit_admin, admin_user):
    project = factories.project(actor=unit_admin, lead_unit_id=unit_admin.unit_id)
    pairing = VillagePairing.objects.get(unit_id=unit_admin.unit_id, end_date__isnull=True)
    village_pairing_end(actor=admin_user, pairing=pairing, end_date=dt.date(2013, 1, 1))
    services.project_update(
        actor=unit_admin, project=project, village_code=NUANQUAN, name="暖泉村活动中心",
        type="culture_centre", year=2012, lead_unit_id=unit_admin.unit_id, progress=80,
    )  # fmt: skip
    project.refresh_from_db()
    assert project.progress == 80


def test_funding_records_the_cadre_who_raised_it(admin_user, unit):
    project = factories.project(actor=admin_user, lead_unit_id=unit.pk)
    cadre = units.cadre(actor=admin_user, unit=unit, name="孙旺奎")
    entry = factories.funding(
        actor=admin_user, project=project, unit_id=unit.pk, raised_by_id=cadre.pk
    )
    assert Funding.objects.get(pk=entry.pk).raised_by == cadre
    assert list(cadre.funds_raised.all()) == [entry]
    event = AuditEvent.objects.get(object_type="projects.Funding", object_id=str(entry.pk))
    assert event.changes["raised_by"] == [None, str(cadre.pk)]
    reversal = services.funding_reverse(actor=admin_user, entry=entry, reason="金额有误")
    # The reversal cancels the credit of the same cadre: their raised funds sum to nothing.
    assert reversal.raised_by_id == cadre.pk
    assert sum(e.amount for e in cadre.funds_raised.all()) == 0


def test_the_raiser_must_be_a_cadre_of_the_contributing_unit(admin_user, unit):
    project = factories.project(actor=admin_user, lead_unit_id=unit.pk)
    other_unit = units.unit(actor=admin_user, name="县妇联")
    stranger = units.cadre(actor=admin_user, unit=other_unit, name="马秀英")
    count = Funding.objects.count()
    audited = AuditEvent.objects.filter(object_type="projects.Funding").count()
    for unit_id in (unit.pk, None):
        with pytest.raises(InvalidInput) as err:
            factories.funding(
                actor=admin_user, project=project, unit_id=unit_id, raised_by_id=stranger.pk
            )
        assert message(err) == zh(services.FUNDING_RAISER_NOT_OF_UNIT).format(name="马秀英")
        assert err.value.field == "raised_by"
    with pytest.raises(InvalidInput) as err:
        factories.funding(actor=admin_user, project=project, unit_id=unit.pk, raised_by_id=999999)
    assert message(err) == zh(services.FUNDING_RAISER_NOT_FOUND).format(id=999999)
    assert Funding.objects.count() == count
    assert AuditEvent.objects.filter(object_type="projects.Funding").count() == audited


def test_an_edit_never_moves_the_status(admin_user):
    project = factories.project(actor=admin_user, budget="100")
    kwargs = {
        "village_code": NUANQUAN,
        "name": project.name,
        "type": project.type,
        "year": project.year,
        "budget": "999",
    }
    for status in (ProjectStatus.BUILDING, ProjectStatus.ACCEPTED):
        with pytest.raises(InvalidInput) as err:
            services.project_update(actor=admin_user, project=project, status=status, **kwargs)
        assert message(err) == zh(services.PROJECT_STATUS_NOT_EDITED)
    project.refresh_from_db()
    assert (project.status, project.budget) == (ProjectStatus.PLANNED, Decimal("100"))
    services.project_update(actor=admin_user, project=project, status="planned", **kwargs)
    project.refresh_from_db()
    assert project.budget == Decimal("999")
