"""Services of the assistance work: rules, refusals that leave nothing behind, audit rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shuanglian.assistance import services
from shuanglian.assistance.models import (
    Deed,
    DeedPhoto,
    FollowUp,
    FollowUpStatus,
    Measure,
    MeasureStatus,
    Visit,
    VisitPhoto,
)
from shuanglian.assistance.tests import factories as af
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.core.photos import PHOTO_NOT_IMAGE
from shuanglian.core.tests.test_photos import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


def nothing_saved():
    return not (Visit.objects.exists() or FollowUp.objects.exists() or VisitPhoto.objects.exists())


# Visits -------------------------------------------------------------------------------------


def test_cadre_logs_a_visit_with_requests_and_a_photo(aw, cadre_user):
    visit = af.visit(
        actor=cadre_user,
        household=aw.household_g,
        satisfaction=5,
        requests=[("申请危房改造补助", dt.date(2012, 9, 30)), ("", None)],
        photos=[(upload(jpeg_bytes(gps=True)), False)],
    )
    assert visit.cadre == aw.cadre_p
    assert visit.recorded_by == cadre_user
    follow_up = FollowUp.objects.get()
    assert (follow_up.title, follow_up.owner_cadre, follow_up.household, follow_up.visit) == (
        "申请危房改造补助",
        aw.cadre_p,
        aw.household_g,
        visit,
    )
    assert follow_up.status == FollowUpStatus.OPEN
    photo = VisitPhoto.objects.get()
    assert (photo.width, photo.height, photo.gps_kept) == (800, 600, False)
    rows = AuditEvent.objects.filter(object_type="assistance.Visit", action="create")
    assert rows.get().region_code == aw.household_g.village_id
    assert AuditEvent.objects.filter(object_type="assistance.FollowUp").count() == 1


def test_cadre_cannot_visit_a_household_not_paired_with_them(aw, cadre_user):
    with pytest.raises(Forbidden) as err:
        af.visit(actor=cadre_user, household=aw.household_g2)
    assert err.value.message == services.VISIT_NOT_PAIRED
    assert nothing_saved()


def test_officer_records_on_behalf_of_the_paired_cadre(aw, town_officer):
    visit = af.visit(actor=town_officer, household=aw.household_g)
    assert visit.cadre == aw.cadre_p
    assert visit.recorded_by == town_officer


def test_officer_cannot_name_another_cadre(aw, town_officer):
    with pytest.raises(InvalidInput) as err:
        af.visit(actor=town_officer, household=aw.household_g, cadre=aw.cadre_l)
    assert err.value.message == services.VISIT_CADRE_NOT_PAIRED.format(cadre="王建祥")


def test_household_without_a_cadre_cannot_be_visited(aw, town_officer):
    with pytest.raises(InvalidInput) as err:
        af.visit(actor=town_officer, household=aw.household_g2)
    assert err.value.message == services.VISIT_NO_CADRE


@pytest.mark.parametrize("who", ["viewer", "unit_admin", "other_town_officer"])
def test_readers_and_others_cannot_log_visits(request, aw, who):
    with pytest.raises(Forbidden) as err:
        af.visit(actor=request.getfixturevalue(who), household=aw.household_g)
    assert err.value.message == WRITE_FORBIDDEN


def test_visit_in_the_future_is_refused(aw, cadre_user):
    with pytest.raises(InvalidInput) as err:
        af.visit(actor=cadre_user, household=aw.household_g, visited_on=tomorrow())
    assert err.value.message == services.DATE_IN_FUTURE
    assert err.value.field == "visited_on"


@pytest.mark.parametrize(
    "requests, message",
    [
        ([("修路", None)], services.REQUEST_DUE_REQUIRED),
        ([("", dt.date(2012, 9, 1))], services.REQUEST_TITLE_REQUIRED),
        ([("修路", dt.date(2012, 7, 1))], services.REQUEST_DUE_BEFORE_VISIT),
    ],
)
def test_bad_request_saves_nothing(aw, cadre_user, requests, message):
    with pytest.raises(InvalidInput) as err:
        af.visit(actor=cadre_user, household=aw.household_g, requests=requests)
    assert err.value.message == message
    assert nothing_saved()


def test_bad_photo_saves_nothing(aw, cadre_user):
    good = (upload(jpeg_bytes()), False)
    bad = (upload(b"not a photo", "x.jpg"), False)
    with pytest.raises(InvalidInput) as err:
        af.visit(
            actor=cadre_user,
            household=aw.household_g,
            requests=[("修路", dt.date(2012, 9, 1))],
            photos=[good, bad],
        )
    assert err.value.message == PHOTO_NOT_IMAGE
    assert nothing_saved()


def test_bad_mode_and_satisfaction(aw, cadre_user):
    with pytest.raises(InvalidInput) as err:
        af.visit(actor=cadre_user, household=aw.household_g, mode="letter")
    assert err.value.field == "mode"
    with pytest.raises(InvalidInput) as err:
        af.visit(actor=cadre_user, household=aw.household_g, satisfaction=6)
    assert err.value.message == services.SATISFACTION_INVALID
    assert nothing_saved()


# Follow-ups ---------------------------------------------------------------------------------


def _follow_up(aw, actor):
    af.visit(
        actor=actor, household=aw.household_g, requests=[("申请小额信贷", dt.date(2012, 9, 1))]
    )
    return FollowUp.objects.get()


def test_owner_closes_a_follow_up_once(aw, cadre_user):
    follow_up = _follow_up(aw, cadre_user)
    done = services.follow_up_update(
        actor=cadre_user, follow_up=follow_up, status="done", result="已落实贷款 3 万元"
    )
    assert (done.status, done.done_on) == ("done", timezone.localdate())
    with pytest.raises(Conflict) as err:
        services.follow_up_update(actor=cadre_user, follow_up=done, status="cancelled", result="x")
    assert err.value.message == services.FOLLOW_UP_CLOSED
    row = AuditEvent.objects.filter(object_type="assistance.FollowUp", action="update").get()
    assert row.changes["status"] == ["open", "done"]


def test_follow_up_close_needs_a_result_and_a_closing_status(aw, cadre_user, viewer):
    follow_up = _follow_up(aw, cadre_user)
    with pytest.raises(InvalidInput) as err:
        services.follow_up_update(actor=cadre_user, follow_up=follow_up, status="done", result=" ")
    assert err.value.message == services.FOLLOW_UP_RESULT_REQUIRED
    with pytest.raises(InvalidInput) as err:
        services.follow_up_update(actor=cadre_user, follow_up=follow_up, status="open", result="x")
    assert err.value.message == services.FOLLOW_UP_STATUS_INVALID
    with pytest.raises(Forbidden):
        services.follow_up_update(actor=viewer, follow_up=follow_up, status="done", result="x")
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_follow_up_without_owner_is_refused(aw, admin_user):
    with pytest.raises(InvalidInput) as err:
        services.follow_up_create(actor=admin_user, title="修路", due_date=dt.date(2012, 9, 1))
    assert err.value.message == services.FOLLOW_UP_NO_OWNER
    assert not FollowUp.objects.exists()


def test_unit_follow_up(aw, admin_user):
    follow_up = services.follow_up_create(
        actor=admin_user, title="完成产业规划", due_date=dt.date(2012, 9, 1), owner_unit=aw.unit_l
    )
    assert follow_up.owner_unit == aw.unit_l


# Plans and measures -------------------------------------------------------------------------


def test_plan_is_one_a_year_and_updated_in_place(aw, cadre_user):
    plan = af.plan(actor=cadre_user, household=aw.household_g, target_net_per_capita="3200")
    again = af.plan(
        actor=cadre_user, household=aw.household_g, target_net_per_capita="3500", goals="脱贫"
    )
    assert plan.pk == again.pk
    assert again.target_net_per_capita == Decimal("3500.00")
    row = AuditEvent.objects.filter(object_type="assistance.HouseholdPlan", action="update").get()
    assert row.changes["target_net_per_capita"] == ["3200.00", "3500.00"]


def test_unit_admin_plans_for_households_of_paired_villages(aw, unit_admin, viewer):
    af.plan(actor=unit_admin, household=aw.household_g2)
    with pytest.raises(Forbidden):
        af.plan(actor=viewer, household=aw.household_g2, year=2013)


@pytest.mark.parametrize("value", ["-1", "100000000.01", "abc"])
def test_absurd_amounts_are_refused(aw, admin_user, value):
    plan = af.plan(actor=admin_user, household=aw.household_g)
    with pytest.raises(InvalidInput) as err:
        af.measure(actor=admin_user, plan=plan, planned_cost=value)
    assert err.value.field == "planned_cost"
    assert not Measure.objects.exists()


def test_measure_moves_forward_only(aw, cadre_user):
    plan = af.plan(actor=cadre_user, household=aw.household_g)
    measure = af.measure(actor=cadre_user, plan=plan, responsible_cadre=aw.cadre_p)
    with pytest.raises(InvalidInput) as err:
        services.measure_update(actor=cadre_user, measure=measure, status="done")
    assert err.value.message == services.MEASURE_STATUS_STEP.format(
        old=MeasureStatus.PLANNED.label, new=MeasureStatus.DONE.label
    )
    measure = services.measure_update(actor=cadre_user, measure=measure, status="in_progress")
    measure = services.measure_update(
        actor=cadre_user, measure=measure, status="done", outcome="已栽植苹果树"
    )
    assert measure.done_on == timezone.localdate()
    with pytest.raises(InvalidInput):
        services.measure_update(actor=cadre_user, measure=measure, status="planned")


def test_dropping_a_measure_needs_a_reason(aw, cadre_user):
    plan = af.plan(actor=cadre_user, household=aw.household_g)
    measure = af.measure(actor=cadre_user, plan=plan)
    with pytest.raises(InvalidInput) as err:
        services.measure_update(actor=cadre_user, measure=measure, status="dropped", reason="")
    assert err.value.message == services.MEASURE_DROP_REASON
    measure = services.measure_update(
        actor=cadre_user, measure=measure, status="dropped", reason="农户外出务工"
    )
    assert measure.status_reason == "农户外出务工"


def test_measure_responsible_must_work_for_the_village(aw, admin_user):
    plan = af.plan(actor=admin_user, household=aw.household_g)
    with pytest.raises(InvalidInput) as err:
        af.measure(actor=admin_user, plan=plan, responsible_unit=aw.unit_l)
    assert err.value.message == services.MEASURE_RESPONSIBLE_FOREIGN.format(name="县水务局")


def test_overdue_measures(aw, cadre_user, other_town_officer, unit_admin):
    from shuanglian.assistance.selectors import overdue_measures

    plan = af.plan(actor=cadre_user, household=aw.household_g)
    late = af.measure(
        actor=cadre_user, plan=plan, responsible_cadre=aw.cadre_p, due_date=dt.date(2012, 6, 1)
    )
    af.measure(actor=cadre_user, plan=plan, due_date=timezone.localdate())  # due today: not late
    done = af.measure(actor=cadre_user, plan=plan, due_date=dt.date(2012, 6, 1))
    services.measure_update(actor=cadre_user, measure=done, status="in_progress")
    services.measure_update(actor=cadre_user, measure=done, status="done")
    assert overdue_measures(cadre_user).items == [late]
    assert overdue_measures(cadre_user, household=aw.household_g).items == [late]
    assert overdue_measures(unit_admin, unit=aw.unit_p).items == [late]
    assert overdue_measures(unit_admin, cadre=aw.cadre_l).items == []
    assert overdue_measures(other_town_officer).items == []


def test_village_plan(aw, unit_admin, admin_user):
    plan = services.village_plan_save(
        actor=unit_admin, village=aw.village_g, year=2012, leading_industries="苹果、花椒"
    )
    assert plan.leading_industries == "苹果、花椒"
    with pytest.raises(Forbidden):
        services.village_plan_save(actor=unit_admin, village=aw.village_l, year=2012)
    with pytest.raises(InvalidInput) as err:
        services.village_plan_save(actor=unit_admin, village=aw.village_g, year=1999)
    assert err.value.field == "year"
    with pytest.raises(InvalidInput) as err:
        services.village_plan_save(actor=admin_user, village=aw.village_g.parent, year=2012)
    assert err.value.message == services.VILLAGE_PLAN_NOT_VILLAGE.format(name="郭嘉镇")


# Deeds ---------------------------------------------------------------------------------------


def test_unit_admin_records_a_deed_for_households(aw, unit_admin):
    deed = af.deed(
        actor=unit_admin,
        unit=aw.unit_p,
        village=aw.village_g,
        households=[aw.household_g],
        photos=[(af.png_upload(), False)],
    )
    assert list(deed.households.all()) == [aw.household_g]
    assert DeedPhoto.objects.filter(deed=deed).count() == 1
    row = AuditEvent.objects.filter(object_type="assistance.Deed").get()
    assert row.region_code == aw.village_g.code


def test_cadre_records_own_deed(aw, cadre_user):
    deed = af.deed(actor=cadre_user, unit=aw.unit_p, village=aw.village_g)
    assert deed.cadre == aw.cadre_p


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"value": "-5"}, services.AMOUNT_OUT_OF_RANGE),
        ({"value": "100000001"}, services.AMOUNT_OUT_OF_RANGE),
        ({"done_on": "future"}, services.DATE_IN_FUTURE),
        ({"type": "magic"}, None),
    ],
)
def test_bad_deeds_save_nothing(aw, unit_admin, changes, message):
    if changes.get("done_on") == "future":
        changes["done_on"] = tomorrow()
    with pytest.raises(InvalidInput) as err:
        af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g, **changes)
    if message:
        assert err.value.message == message
    assert not Deed.objects.exists()


def test_deed_village_and_households_must_fit(aw, admin_user):
    with pytest.raises(InvalidInput) as err:
        af.deed(actor=admin_user, unit=aw.unit_l, village=aw.village_g)
    assert err.value.field == "village"
    with pytest.raises(InvalidInput) as err:
        af.deed(actor=admin_user, unit=aw.unit_p, village=aw.village_g, households=[aw.household_l])
    assert err.value.field == "households"


def test_other_units_cannot_record_deeds(aw, unit_admin, viewer):
    with pytest.raises(Forbidden):
        af.deed(actor=unit_admin, unit=aw.unit_l, village=aw.village_l)
    with pytest.raises(Forbidden):
        af.deed(actor=viewer, unit=aw.unit_p, village=aw.village_g)


# Village plans: the planning unit and linked projects ----------------------------------------


def test_village_plan_records_the_unit_and_links_projects(aw, unit_admin, town_officer):
    from shuanglian.projects.tests import factories as prf

    road = prf.project(actor=town_officer, name="暖泉村通村道路")
    hall = prf.project(actor=town_officer, name="暖泉村文化活动中心")
    plan = services.village_plan_save(
        actor=unit_admin, village=aw.village_g, year=2012, projects=[road]
    )
    assert plan.unit == aw.unit_p  # a unit administrator's plan is their unit's
    assert list(plan.projects.all()) == [road]
    created = AuditEvent.objects.filter(object_type="assistance.VillagePlan").get()
    assert created.changes["projects"] == [[], [road.pk]]
    services.village_plan_save(
        actor=town_officer, village=aw.village_g, year=2012, unit=aw.unit_p, projects=[hall]
    )
    update = AuditEvent.objects.filter(object_type="assistance.VillagePlan").latest("id")
    assert update.changes["projects"] == [[road.pk], [hall.pk]]
    plan.refresh_from_db()
    assert list(plan.projects.all()) == [hall]


def test_village_plan_refuses_a_project_of_another_village(aw, admin_user):
    from shuanglian.assistance.models import VillagePlan
    from shuanglian.projects.tests import factories as prf

    elsewhere = prf.project(actor=admin_user, village=aw.village_l.code, name="常营村饮水工程")
    with pytest.raises(InvalidInput) as err:
        services.village_plan_save(
            actor=admin_user, village=aw.village_g, year=2012, projects=[elsewhere]
        )
    assert err.value.message == services.VILLAGE_PLAN_PROJECT_ELSEWHERE.format(
        name="常营村饮水工程", village=aw.village_g.name
    )
    assert not VillagePlan.objects.exists()
    assert not AuditEvent.objects.filter(object_type="assistance.VillagePlan").exists()


def test_village_plan_unit_must_be_paired_now(aw, admin_user):
    from shuanglian.assistance.models import VillagePlan

    with pytest.raises(InvalidInput) as err:
        services.village_plan_save(
            actor=admin_user, village=aw.village_g, year=2012, unit=aw.unit_l
        )
    assert err.value.message == services.VILLAGE_PLAN_UNIT_NOT_PAIRED.format(
        unit="县水务局", village=aw.village_g.name
    )
    assert not VillagePlan.objects.exists()


# Visits: update and void ---------------------------------------------------------------------


def test_cadre_corrects_own_visit_and_adds_a_photo(aw, cadre_user):
    visit = af.visit(actor=cadre_user, household=aw.household_g)
    services.visit_update(
        actor=cadre_user,
        visit=visit,
        mode="phone",
        satisfaction=4,
        photos=[(af.png_upload(), False)],
    )
    visit.refresh_from_db()
    assert (visit.mode, visit.satisfaction) == ("phone", 4)
    assert visit.photos.count() == 1
    row = AuditEvent.objects.filter(object_type="assistance.Visit", action="update").get()
    assert row.changes["mode"] == ["home", "phone"]
    assert row.changes["photos_added"] == [0, 1]


def test_visit_update_refuses_bad_input_and_saves_nothing(aw, cadre_user):
    visit = af.visit(actor=cadre_user, household=aw.household_g)
    with pytest.raises(InvalidInput) as err:
        services.visit_update(actor=cadre_user, visit=visit, visited_on=tomorrow())
    assert err.value.message == services.DATE_IN_FUTURE
    with pytest.raises(InvalidInput) as err:
        services.visit_update(actor=cadre_user, visit=visit, satisfaction=9)
    assert err.value.message == services.SATISFACTION_INVALID
    with pytest.raises(InvalidInput) as err:
        services.visit_update(
            actor=cadre_user, visit=visit, mode="phone", photos=[(upload(b"nope"), False)]
        )
    assert err.value.message == PHOTO_NOT_IMAGE
    visit.refresh_from_db()
    assert visit.mode == "home" and not visit.photos.exists()
    assert not AuditEvent.objects.filter(object_type="assistance.Visit", action="update").exists()


def test_visit_update_and_void_rights(aw, cadre_user, viewer, other_town_officer, admin_user):
    visit = af.visit(actor=admin_user, household=aw.household_l)
    for who in (cadre_user, viewer):
        with pytest.raises(Forbidden):
            services.visit_void(actor=who, visit=visit, reason="录错了")
    services.visit_void(actor=other_town_officer, visit=visit, reason="录错了")


def test_voided_visit_stays_marked_and_is_not_changed(aw, cadre_user):
    from shuanglian.assistance.selectors import visit_list, work_log

    visit = af.visit(actor=cadre_user, household=aw.household_g)
    with pytest.raises(InvalidInput) as err:
        services.visit_void(actor=cadre_user, visit=visit, reason="  ")
    assert err.value.message == services.VOID_REASON_REQUIRED
    services.visit_void(actor=cadre_user, visit=visit, reason="重复录入")
    visit.refresh_from_db()
    assert visit.is_voided and visit.voided_by == cadre_user and visit.void_reason == "重复录入"
    row = AuditEvent.objects.filter(object_type="assistance.Visit", action="update").get()
    assert row.changes["void_reason"] == ["", "重复录入"]
    with pytest.raises(Conflict) as err:
        services.visit_update(actor=cadre_user, visit=visit, mode="phone")
    assert err.value.message == services.VISIT_VOIDED
    with pytest.raises(Conflict):
        services.visit_void(actor=cadre_user, visit=visit, reason="再次")
    assert visit_list(user=cadre_user).items == [visit]
    log = work_log(user=cadre_user, cadre=aw.cadre_p, start=dt.date(2012, 1, 1))
    assert log.visits == [] and log.visit_count == 0


# Deeds: update and void ----------------------------------------------------------------------


def test_deed_update_changes_fields_households_and_photos(aw, unit_admin):
    deed = af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g)
    services.deed_update(
        actor=unit_admin,
        deed=deed,
        type="goods",
        value="800",
        households=[aw.household_g, aw.household_g2],
        photos=[(af.png_upload(), False)],
    )
    deed.refresh_from_db()
    assert (deed.type, deed.value) == ("goods", Decimal("800.00"))
    assert set(deed.households.all()) == {aw.household_g, aw.household_g2}
    row = AuditEvent.objects.filter(object_type="assistance.Deed", action="update").get()
    assert row.changes["value"] == ["5000.00", "800.00"]
    assert row.changes["households"] == [[], sorted([aw.household_g.pk, aw.household_g2.pk])]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"value": "-5"}, services.AMOUNT_OUT_OF_RANGE),
        ({"value": "abc"}, services.AMOUNT_INVALID.format(value="abc")),
        ({"description": " "}, services.DESCRIPTION_REQUIRED),
        ({"photos": [(upload(b"not a photo"), False)]}, PHOTO_NOT_IMAGE),
    ],
)
def test_bad_deed_update_saves_nothing(aw, unit_admin, changes, message):
    deed = af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g)
    with pytest.raises(InvalidInput) as err:
        services.deed_update(actor=unit_admin, deed=deed, type="goods", **changes)
    assert err.value.message == message
    deed.refresh_from_db()
    assert deed.type == "funds" and not deed.photos.exists()
    assert not AuditEvent.objects.filter(object_type="assistance.Deed", action="update").exists()


def test_deed_household_of_another_village_is_refused_on_update(aw, admin_user):
    deed = af.deed(actor=admin_user, unit=aw.unit_p, village=aw.village_g)
    with pytest.raises(InvalidInput) as err:
        services.deed_update(actor=admin_user, deed=deed, households=[aw.household_l])
    assert err.value.field == "households"
    assert not deed.households.exists()


def test_cadre_edits_only_own_deeds(aw, cadre_user, unit_admin):
    unit_deed = af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g)
    with pytest.raises(Forbidden):
        services.deed_update(actor=cadre_user, deed=unit_deed, description="改")
    own = af.deed(actor=cadre_user, unit=aw.unit_p, village=aw.village_g)
    services.deed_update(actor=cadre_user, deed=own, description="送种子")
    own.refresh_from_db()
    assert own.description == "送种子"


def test_voided_deed_counts_in_no_total(aw, unit_admin):
    from shuanglian.assistance.selectors import deed_list, work_log

    kept = af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g, value="300")
    voided = af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g, value="5000")
    services.deed_void(actor=unit_admin, deed=voided, reason="金额录错")
    with pytest.raises(Conflict) as err:
        services.deed_update(actor=unit_admin, deed=voided, value="10")
    assert err.value.message == services.DEED_VOIDED
    assert {d.pk for d in deed_list(user=unit_admin).items} == {kept.pk, voided.pk}
    log = work_log(user=unit_admin, unit=aw.unit_p, start=dt.date(2012, 1, 1))
    assert [d.pk for d in log.deeds] == [kept.pk]
    assert (log.deed_value, log.deed_count) == (Decimal("300.00"), 1)


# Follow-ups on their own ---------------------------------------------------------------------


def test_follow_up_create_checks_who_may_add_it(aw, cadre_user, unit_admin, other_town_officer):
    own = services.follow_up_create(
        actor=cadre_user, title="联系农技站", due_date=dt.date(2030, 1, 1), owner_cadre=aw.cadre_p
    )
    assert own.owner_cadre == aw.cadre_p
    with pytest.raises(Forbidden):
        services.follow_up_create(
            actor=cadre_user, title="x", due_date=dt.date(2030, 1, 1), owner_unit=aw.unit_l
        )
    services.follow_up_create(
        actor=unit_admin, title="协调资金", due_date=dt.date(2030, 1, 1), owner_unit=aw.unit_p
    )
    with pytest.raises(Forbidden):
        services.follow_up_create(
            actor=other_town_officer,
            title="x",
            due_date=dt.date(2030, 1, 1),
            owner_cadre=aw.cadre_p,
            household=aw.household_g,
        )
    services.follow_up_create(
        actor=other_town_officer,
        title="修复入户道路",
        due_date=dt.date(2030, 1, 1),
        owner_cadre=aw.cadre_l,
        household=aw.household_l,
    )
    assert FollowUp.objects.count() == 3


@pytest.mark.parametrize("keep", [False, True])
def test_stored_visit_photo_has_gps_only_when_kept(aw, cadre_user, keep):
    from shuanglian.core.tests.test_photos import gps_of

    data = jpeg_bytes(gps=True)
    assert gps_of(data)
    visit = af.visit(actor=cadre_user, household=aw.household_g, photos=[(upload(data), keep)])
    photo = visit.photos.get()
    with photo.image.open("rb") as stored:
        assert bool(gps_of(stored.read())) is keep
    with photo.thumbnail.open("rb") as thumb:
        assert not gps_of(thumb.read())
    assert photo.gps_kept is keep


def test_deed_photo_too_large_saves_nothing(aw, unit_admin, settings):
    from shuanglian.core.photos import PHOTO_TOO_LARGE

    settings.PHOTO_MAX_MB = 1
    big = upload(jpeg_bytes() + b"\0" * (1024 * 1024 + 1))
    with pytest.raises(InvalidInput) as err:
        af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g, photos=[(big, False)])
    assert err.value.message == PHOTO_TOO_LARGE.format(mb=1, megapixels=60)
    assert not Deed.objects.exists() and not DeedPhoto.objects.exists()


def test_deed_update_keeps_the_households_the_editor_cannot_see(aw, cadre_user, admin_user):
    """The cadre sees 孙旺奎 (paired with her), not 邵维基: her edit must not drop him."""
    deed = af.deed(
        actor=cadre_user,
        unit=aw.unit_p,
        village=aw.village_g,
        households=[aw.household_g, aw.household_g2],
    )
    services.deed_update(
        actor=cadre_user, deed=deed, description="送化肥", households=[aw.household_g]
    )
    assert set(deed.households.all()) == {aw.household_g, aw.household_g2}
    services.deed_update(actor=cadre_user, deed=deed, households=[])
    assert set(deed.households.all()) == {aw.household_g2}
    # An administrator sees every household: an empty list means the whole village.
    services.deed_update(actor=admin_user, deed=deed, households=[])
    assert not deed.households.exists()


def test_voiding_a_visit_cancels_the_follow_ups_of_its_requests(aw, cadre_user):
    visit = af.visit(
        actor=cadre_user,
        household=aw.household_g,
        requests=[("申请危房改造", dt.date(2012, 9, 30)), ("申请小额贷款", dt.date(2012, 10, 30))],
    )
    done = visit.follow_ups.order_by("id").first()
    services.follow_up_update(actor=cadre_user, follow_up=done, status="done", result="已办")
    services.visit_void(actor=cadre_user, visit=visit, reason="重复录入")
    statuses = list(visit.follow_ups.order_by("id").values_list("status", "result"))
    assert statuses[0] == ("done", "已办")
    assert statuses[1][0] == "cancelled" and "重复录入" in statuses[1][1]
    cancelled = visit.follow_ups.order_by("id").last()
    row = AuditEvent.objects.get(
        object_type="assistance.FollowUp", action="update", object_id=str(cancelled.pk)
    )
    assert row.changes["status"] == ["open", "cancelled"]
