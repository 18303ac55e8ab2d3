"""Test data for the alerts app: a small world in 暖泉村 and 常营村, made through the services."""

import datetime as dt

from shuanglian.alerts.models import Alert
from shuanglian.alerts.services import alerts_refresh
from shuanglian.conftest import NUANQUAN
from shuanglian.households.models import Category
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.units.tests import factories as uf

# The day the refreshes of the tests run on: well after the 2012 records, before the real today.
TODAY = dt.date(2012, 12, 1)
LONGCHENG_VILLAGE = "620522103200"  # 常营村


def refresh(today: dt.date = TODAY, **kw):
    return alerts_refresh(today=today, **kw)


def open_alerts(kind: str | None = None):
    alerts = Alert.objects.filter(closed_at__isnull=True)
    return alerts.filter(kind=kind) if kind else alerts


def world(admin, cadre_user=None):
    """Unit G leads 暖泉村 with cadre G; unit L leads 常营村 with cadre L. Household g (poor)
    is paired with the cadre persona when given (else with cadre G), household l with cadre L;
    household g_alone (poor, 暖泉村) and l_alone (poor, 常营村) have no cadre."""
    unit_g = uf.unit(actor=admin, name="县委宣传部")
    unit_l = uf.unit(actor=admin, name="县水务局")
    pf.village_pairing(actor=admin, unit=unit_g, village=NUANQUAN)
    pf.village_pairing(actor=admin, unit=unit_l, village=LONGCHENG_VILLAGE)
    cadre_g = uf.cadre(actor=admin, unit=unit_g, name="李爱仙")
    cadre_l = uf.cadre(actor=admin, unit=unit_l, name="王建祥")
    household_g = hf.household(actor=admin, village=NUANQUAN, head_name="孙旺奎")
    household_l = hf.household(actor=admin, village=LONGCHENG_VILLAGE, head_name="张三")
    g_alone = hf.household(actor=admin, village=NUANQUAN, head_name="邵维基")
    l_alone = hf.household(actor=admin, village=LONGCHENG_VILLAGE, head_name="赵四")
    general = hf.household(
        actor=admin, village=NUANQUAN, head_name="马六", category=Category.GENERAL
    )
    cadre_for_g = cadre_user.cadre if cadre_user is not None else cadre_g
    pf.household_pairing(actor=admin, household=household_g, cadre=cadre_for_g)
    pf.household_pairing(actor=admin, household=household_l, cadre=cadre_l)
    return {
        "unit_g": unit_g,
        "unit_l": unit_l,
        "cadre_g": cadre_g,
        "cadre_l": cadre_l,
        "cadre_for_g": cadre_for_g,
        "household_g": household_g,
        "household_l": household_l,
        "g_alone": g_alone,
        "l_alone": l_alone,
        "general": general,
    }


def unit_follow_ups(admin, unit, found) -> dict:
    """Overdue follow-ups owned by `unit` (the unit administrator persona's 县妇联, paired with
    暖泉村): for a household of 暖泉村, for one of 常营村 (not the unit's village), and for no
    household (filed under the unit's home region)."""
    from shuanglian.assistance.services import follow_up_create

    due = TODAY - dt.timedelta(days=1)
    return {
        name: follow_up_create(
            actor=admin, title=title, due_date=due, owner_unit=unit, household=household
        )
        for name, title, household in (
            ("inside", "孙旺奎家产业帮扶跟进", found["household_g"]),
            ("outside", "张三家危房改造跟进", found["household_l"]),
            ("no_household", "县妇联年度培训", None),
        )
    }
