"""A small world for the monitoring tests: 县妇联's cadre 马秀英 (the cadre persona) is paired
with 孙旺奎's household in 暖泉村; 县水务局's cadre 王建祥 with 张三's household in 常营村."""

from types import SimpleNamespace

import pytest

from shuanglian.conftest import NUANQUAN
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.units.tests import factories as uf

LONGCHENG_VILLAGE = "620522103200"


@pytest.fixture
def mw(admin_user, cadre_user, unit_admin):
    unit_l = uf.unit(actor=admin_user, name="县水务局")
    pf.village_pairing(actor=admin_user, unit=unit_l, village=LONGCHENG_VILLAGE)
    cadre_l = uf.cadre(actor=admin_user, unit=unit_l, name="王建祥")
    household_g = hf.household(
        actor=admin_user, village=NUANQUAN, head_name="孙旺奎", category="exited"
    )
    household_g2 = hf.household(
        actor=admin_user, village=NUANQUAN, head_name="邵维基", category="general"
    )
    household_l = hf.household(
        actor=admin_user, village=LONGCHENG_VILLAGE, head_name="张三", category="general"
    )
    pf.household_pairing(actor=admin_user, household=household_g, cadre=cadre_user.cadre)
    pf.household_pairing(actor=admin_user, household=household_l, cadre=cadre_l)
    return SimpleNamespace(
        cadre_p=cadre_user.cadre,
        cadre_l=cadre_l,
        household_g=household_g,
        household_g2=household_g2,
        household_l=household_l,
    )
