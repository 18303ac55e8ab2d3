import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shuanglian.assessments import rules, selectors, services
from shuanglian.assessments.models import Rule, Scheme, Score, UnitResult
from shuanglian.assessments.tests import factories
from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.households import services as households
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.regions.models import Region
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db


def computed(work, **kw):
    scheme = factories.scheme(actor=work.admin, **kw)
    services.scheme_compute(actor=work.admin, scheme=scheme)
    scheme.refresh_from_db()  # the computation is stamped on the row the service locked
    return scheme


def score(scheme, unit, rule) -> Score:
    return Score.objects.get(scheme=scheme, result__unit=unit, indicator__rule=rule)


EXPECTED_A = {
    Rule.VISITS: (Decimal("0.5"), 4),
    Rule.SATISFACTION: (Decimal("4"), 2),
    Rule.MEASURES: (Decimal("50"), 2),
    Rule.FOLLOW_UPS: (Decimal("50"), 2),
    Rule.FUNDS: (Decimal("80000"), 2),
    Rule.PROJECTS: (Decimal("1"), 1),
    Rule.EXITS: (Decimal("0"), 0),
    Rule.INCOME: (Decimal("21.4286"), 2),
}
EXPECTED_B = {
    Rule.VISITS: (Decimal("0.5"), 2),
    Rule.SATISFACTION: (Decimal("4"), 1),
    Rule.MEASURES: (None, 0),
    Rule.FOLLOW_UPS: (None, 0),
    Rule.FUNDS: (None, 0),
    Rule.PROJECTS: (None, 0),
    Rule.EXITS: (None, 0),
    Rule.INCOME: (None, 0),
}


def test_each_rule_value_and_basis(work):
    scheme = computed(work)
    for unit, expected in ((work.unit_a, EXPECTED_A), (work.unit_b, EXPECTED_B)):
        for rule, (value, basis) in expected.items():
            found = score(scheme, unit, rule)
            if rule == Rule.EXITS and unit == work.unit_a:
                assert found.value is None and found.basis == 0, rule
                continue
            assert found.basis == basis, (unit.name, rule)
            if value is None:
                assert found.value is None, (unit.name, rule)
            else:
                assert found.value.quantize(Decimal("0.0001")) == value, (unit.name, rule)
    result_a = UnitResult.objects.get(scheme=scheme, unit=work.unit_a)
    assert (result_a.villages, result_a.households) == (1, 2)


def test_evidence_lists_exactly_the_basis(work):
    scheme = computed(work)
    for found in Score.objects.filter(scheme=scheme).select_related("indicator", "result"):
        listed, cursor = [], None
        while True:
            page = selectors.score_evidence(score=found, cursor=cursor, limit=1)
            listed += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        assert len(listed) == found.basis, found.indicator.rule
        assert len({record.pk for record in listed}) == found.basis


def test_scores_are_linear_to_target_and_capped():
    assert rules.score_of(Decimal("1.5"), target=Decimal(3), floor=Decimal(0)) == Decimal("50.00")
    assert rules.score_of(Decimal(9), target=Decimal(3), floor=Decimal(0)) == Decimal("100.00")
    assert rules.score_of(Decimal(1), target=Decimal(5), floor=Decimal(1)) == Decimal("0.00")
    assert rules.score_of(Decimal(-4), target=Decimal(10), floor=Decimal(0)) == Decimal("0.00")
    assert rules.score_of(None, target=Decimal(10), floor=Decimal(0)) == Decimal("0.00")


def test_weights_make_the_total(work):
    scheme = factories.scheme(actor=work.admin, default_indicators=False)
    services.indicator_add(actor=work.admin, scheme=scheme, rule="funds", weight=3, target=40000)
    services.indicator_add(actor=work.admin, scheme=scheme, rule="measures", weight=1, target=100)
    services.scheme_compute(actor=work.admin, scheme=scheme)
    result = UnitResult.objects.get(scheme=scheme, unit=work.unit_a)
    # funds 80,000 ≥ 40,000 → 100; measures 50% → 50: (3 × 100 + 1 × 50) / 4.
    assert result.computed == Decimal("87.50")
    assert result.total == Decimal("87.50")


def test_adjustment_adds_to_the_total_and_is_audited(work):
    scheme = computed(work)
    result = UnitResult.objects.get(scheme=scheme, unit=work.unit_b)
    before = result.computed
    services.adjustment_add(
        actor=work.admin,
        result=result,
        points="-1.5",
        reason="材料报送迟",
        document=factories.pdf_upload(),
    )
    result.refresh_from_db()
    assert result.adjustment == Decimal("-1.50")
    assert result.total == before - Decimal("1.5")
    assert AuditEvent.objects.filter(object_type="assessments.Adjustment").count() == 1
    services.scheme_compute(actor=work.admin, scheme=scheme)
    result.refresh_from_db()
    assert result.total == result.computed - Decimal("1.5"), "kept over a new computation"


@pytest.mark.parametrize(
    ("points", "reason", "field"),
    [
        ("0", "原因", "points"),
        ("101", "原因", "points"),
        ("abc", "原因", "points"),
        ("2", " ", "reason"),
    ],
)
def test_adjustment_input_is_checked(work, points, reason, field):
    scheme = computed(work)
    result = scheme.results.first()
    with pytest.raises(InvalidInput) as err:
        services.adjustment_add(actor=work.admin, result=result, points=points, reason=reason)
    assert err.value.field == field


def test_ranking_ties_share_a_rank(work):
    scheme = computed(work)
    visits = scheme.indicators.get(rule=Rule.VISITS)
    ranks = [rank for rank, _row in selectors.scheme_ranking(scheme=scheme, indicator=visits)]
    assert ranks == [1, 1]
    total = [(rank, row.unit_id) for rank, row in selectors.scheme_ranking(scheme=scheme)]
    assert total[0] == (1, work.unit_a.pk) and total[1][0] == 2
    assert selectors.ranked([5, 5, 3, 3, 1], key=lambda v: v) == [
        (1, 5),
        (1, 5),
        (3, 3),
        (3, 3),
        (5, 1),
    ]


def test_freeze_refuses_changes_in_services_and_database(work):
    scheme = computed(work)
    result = scheme.results.first()
    services.scheme_freeze(actor=work.admin, scheme=scheme)
    for attempt in (
        lambda: services.scheme_compute(actor=work.admin, scheme=scheme),
        lambda: services.adjustment_add(actor=work.admin, result=result, points=1, reason="x"),
        lambda: services.indicator_add(
            actor=work.admin, scheme=scheme, rule="visits", weight=1, target=1
        ),
    ):
        with pytest.raises(Conflict) as err:
            attempt()
        assert err.value.message == services.SCHEME_NOT_DRAFT
    for statement in (
        lambda: Score.objects.filter(scheme=scheme).update(score=100),
        lambda: UnitResult.objects.filter(scheme=scheme).update(total=1),
        lambda: Scheme.objects.filter(pk=scheme.pk).update(period_end=dt.date(2013, 1, 1)),
        lambda: Scheme.objects.filter(pk=scheme.pk).update(status="draft"),
        lambda: Score.objects.create(
            scheme=scheme, result=result, indicator=scheme.indicators.first(), score=1
        ),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    services.scheme_publish(actor=work.admin, scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.status == "published"


def test_freeze_needs_scores_and_publish_needs_freeze(work):
    scheme = factories.scheme(actor=work.admin)
    with pytest.raises(Conflict) as err:
        services.scheme_publish(actor=work.admin, scheme=scheme)
    assert err.value.message == services.SCHEME_NOT_FROZEN
    with pytest.raises(Conflict) as err:
        services.scheme_freeze(actor=work.admin, scheme=scheme)
    assert err.value.message == services.SCHEME_NOT_COMPUTED


def test_publish_decides_what_unit_admins_see(work, unit_admin):
    scheme = factories.scheme(actor=work.admin)
    services.scheme_compute(actor=work.admin, scheme=scheme)
    assert not selectors.visible_schemes(unit_admin).exists()
    services.scheme_freeze(actor=work.admin, scheme=scheme)
    assert not selectors.visible_schemes(unit_admin).exists()
    services.scheme_publish(actor=work.admin, scheme=scheme)
    # 县妇联 (the unit administrator's unit) is a member unit of 暖泉村: it is assessed.
    assert list(selectors.visible_schemes(unit_admin)) == [scheme]
    assert list(selectors.visible_results(unit_admin).values_list("unit", flat=True)) == [
        unit_admin.unit_id
    ]


def test_who_manages(work, county_officer, town_officer, viewer, cadre_user):
    with pytest.raises(Forbidden):
        factories.scheme(actor=town_officer)
    with pytest.raises(Forbidden):
        factories.scheme(actor=viewer)
    scheme = factories.scheme(actor=county_officer)
    assert selectors.may_manage(county_officer, scheme)
    assert not selectors.may_manage(town_officer, scheme)
    assert list(selectors.visible_schemes(town_officer)) == [scheme]
    assert not selectors.visible_schemes(cadre_user).exists()
    with pytest.raises(InvalidInput) as err:
        factories.scheme(actor=county_officer, region=NUANQUAN)
    assert err.value.field == "region"
    with pytest.raises(InvalidInput) as err:
        factories.scheme(
            actor=county_officer, period_start=dt.date(2012, 6, 1), period_end=dt.date(2012, 1, 1)
        )
    assert err.value.field == "period_end"


def test_computation_runs_bounded_queries(work, admin_user):
    scheme = factories.scheme(actor=admin_user)
    with CaptureQueriesContext(connection) as few:
        services.scheme_compute(actor=admin_user, scheme=scheme)
    # Ten more units, each with a village and a paired household.
    villages = list(
        Region.objects.filter(code__startswith="620522104", level="village")
        .exclude(code=NUANQUAN)
        .values_list("code", flat=True)[:5]
    )
    for index in range(10):
        unit = uf.unit(actor=admin_user, name=f"测试单位{index}")
        village = villages[index % len(villages)]
        pf.village_pairing(actor=admin_user, unit=unit, village=village, role="member")
        cadre = uf.cadre(actor=admin_user, unit=unit, name=f"干部{index}")
        household = hf.household(actor=admin_user, village=village, head_name=f"户主{index}")
        pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    with CaptureQueriesContext(connection) as many:
        services.scheme_compute(actor=admin_user, scheme=scheme)
    assert scheme.results.count() == 12
    assert len(many) <= len(few) + 2, "bulk writes, not a query per unit"
    assert len(many) <= 40


def test_exits_come_from_the_audited_category_changes(admin_user):
    admin = admin_user
    unit = uf.unit(actor=admin, name="县委宣传部")
    pf.village_pairing(actor=admin, unit=unit, village=NUANQUAN)
    cadre = uf.cadre(actor=admin, unit=unit, name="李爱仙")
    exited = hf.household(actor=admin, village=NUANQUAN, head_name="孙旺奎")
    stayed = hf.household(actor=admin, village=NUANQUAN, head_name="邵维基")
    for household in (exited, stayed):
        pf.household_pairing(actor=admin, household=household, cadre=cadre)
    households.household_update(actor=admin, household=exited, address="", category="exited")
    households.household_update(actor=admin, household=stayed, address="新址", category="poor")
    today = timezone.localdate()
    scheme = factories.scheme(
        actor=admin, region=GUOJIA, period_start=dt.date(2012, 1, 1), period_end=today
    )
    services.scheme_compute(actor=admin, scheme=scheme)
    found = score(scheme, unit, Rule.EXITS)
    assert (found.value, found.basis) == (Decimal(1), 1)
    page = selectors.score_evidence(score=found)
    assert [record.household_id for record in page.items] == [exited.pk]


# Changes after computing ------------------------------------------------------------------------


def _move_to_longcheng(work, scheme):
    services.scheme_update(
        actor=work.admin,
        scheme=scheme,
        name=scheme.name,
        region_code=LONGCHENG,
        period_start=scheme.period_start,
        period_end=scheme.period_end,
    )


def _shift_period(work, scheme):
    services.scheme_update(
        actor=work.admin,
        scheme=scheme,
        name=scheme.name,
        region_code=scheme.region_id,
        period_start=dt.date(2011, 1, 1),
        period_end=dt.date(2011, 12, 31),
    )


def _add_indicator(work, scheme):
    services.indicator_add(actor=work.admin, scheme=scheme, rule="funds", weight=5, target=1000)


def _reweigh(work, scheme):
    indicator = scheme.indicators.get(rule=Rule.VISITS)
    services.indicator_update(
        actor=work.admin, indicator=indicator, weight=90, target=indicator.target, name="走访"
    )


def _retarget(work, scheme):
    indicator = scheme.indicators.get(rule=Rule.VISITS)
    services.indicator_update(
        actor=work.admin, indicator=indicator, weight=indicator.weight, target=1
    )


def _remove_indicator(work, scheme):
    services.indicator_remove(actor=work.admin, indicator=scheme.indicators.get(rule=Rule.EXITS))


@pytest.mark.parametrize(
    "change",
    [_move_to_longcheng, _shift_period, _add_indicator, _reweigh, _retarget, _remove_indicator],
)
def test_a_change_after_computing_discards_the_scores_until_recomputed(work, change):
    scheme = factories.scheme(actor=work.admin)
    # Without the funds indicator, so that adding one is possible.
    services.indicator_remove(actor=work.admin, indicator=scheme.indicators.get(rule=Rule.FUNDS))
    services.scheme_compute(actor=work.admin, scheme=scheme)
    change(work, scheme)
    scheme.refresh_from_db()
    assert scheme.computed_at is None
    assert not Score.objects.filter(scheme=scheme).exists()
    assert not UnitResult.objects.filter(scheme=scheme).exists()
    assert selectors.scheme_ranking(scheme=scheme) == []
    with pytest.raises(Conflict) as err:
        services.scheme_freeze(actor=work.admin, scheme=scheme)
    assert err.value.message == services.SCHEME_NOT_COMPUTED
    assert AuditEvent.objects.filter(
        region_code=scheme.region_id, changes__computed_at__1=None
    ).exists(), "the audit row of the change tells the scores were discarded"
    services.scheme_compute(actor=work.admin, scheme=scheme)
    services.scheme_freeze(actor=work.admin, scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.status == "frozen"


def test_discarding_keeps_adjusted_units_with_their_adjustment_only(work):
    scheme = computed(work)
    result = UnitResult.objects.get(scheme=scheme, unit=work.unit_b)
    services.adjustment_add(actor=work.admin, result=result, points="2", reason="宣传工作突出")
    _reweigh(work, scheme)
    kept = UnitResult.objects.get(scheme=scheme)
    assert kept.pk == result.pk
    assert (kept.computed, kept.adjustment, kept.total) == (0, Decimal("2.00"), Decimal("2.00"))
    assert (kept.villages, kept.households) == (0, 0)
    scheme.refresh_from_db()
    assert selectors.scheme_ranking(scheme=scheme) == []
    services.scheme_compute(actor=work.admin, scheme=scheme)
    kept.refresh_from_db()
    assert kept.total == kept.computed + Decimal("2") and kept.computed > 0


def test_renaming_keeps_the_computation(work):
    scheme = computed(work)
    stamp = scheme.computed_at
    assert stamp is not None
    services.scheme_update(
        actor=work.admin,
        scheme=scheme,
        name="改名后的考核",
        region_code=scheme.region_id,
        period_start=scheme.period_start,
        period_end=scheme.period_end,
    )
    indicator = scheme.indicators.get(rule=Rule.VISITS)
    services.indicator_update(
        actor=work.admin,
        indicator=indicator,
        weight=indicator.weight,
        target=indicator.target,
        floor=indicator.floor,
        name="入户走访",
    )
    scheme.refresh_from_db()
    assert scheme.computed_at == stamp
    assert Score.objects.filter(scheme=scheme).exists()
    services.scheme_freeze(actor=work.admin, scheme=scheme)


def test_the_default_indicators_are_in_the_create_audit_row(work):
    scheme = factories.scheme(actor=work.admin)
    event = AuditEvent.objects.get(
        object_type="assessments.Scheme", object_id=str(scheme.pk), action="create"
    )
    old, new = event.changes["indicators"]
    assert old is None
    assert [(row["rule"], row["weight"]) for row in new] == [
        (rule, weight) for rule, weight, _target, _floor in services.DEFAULT_INDICATORS
    ]
    bare = factories.scheme(actor=work.admin, default_indicators=False)
    event = AuditEvent.objects.get(
        object_type="assessments.Scheme", object_id=str(bare.pk), action="create"
    )
    assert "indicators" not in event.changes
