"""A small world: 孙旺奎's household in 暖泉村 (郭嘉镇) is paired with the cadre persona 马秀英;
邵维基's lives in 暖泉村 too, unpaired; 张三's lives in 常营村 (陇城镇)."""

from types import SimpleNamespace

import pytest

from shuanglian.conftest import NUANQUAN
from shuanglian.households.models import Category
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf

LONGCHENG_VILLAGE = "620522103200"


@pytest.fixture
def lw(admin_user, cadre_user):
    household_g = hf.household(
        actor=admin_user, village=NUANQUAN, head_name="孙旺奎", category=Category.GENERAL
    )
    household_g2 = hf.household(
        actor=admin_user, village=NUANQUAN, head_name="邵维基", category=Category.GENERAL
    )
    household_l = hf.household(
        actor=admin_user, village=LONGCHENG_VILLAGE, head_name="张三", category=Category.GENERAL
    )
    pf.household_pairing(actor=admin_user, household=household_g, cadre=cadre_user.cadre)
    return SimpleNamespace(g=household_g, g2=household_g2, l=household_l)
