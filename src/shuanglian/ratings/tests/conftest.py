"""A small world for the ratings tests: 孙旺奎 and 邵维基 in 暖泉村 (郭嘉镇), 孙旺奎 paired with the
cadre persona 马秀英; 张三 in 常营村 (陇城镇). The default stars exist."""

from types import SimpleNamespace

import pytest

from shuanglian.conftest import NUANQUAN
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.ratings.tests import factories as rf

LONGCHENG_VILLAGE = "620522103200"


@pytest.fixture
def rw(admin_user, cadre_user, unit_admin):
    stars = rf.stars(actor=admin_user)
    household_g = hf.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎")
    household_g2 = hf.household(actor=admin_user, village=NUANQUAN, head_name="邵维基")
    household_l = hf.household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="张三")
    pf.household_pairing(actor=admin_user, household=household_g, cadre=cadre_user.cadre)
    return SimpleNamespace(
        stars=stars,
        household_g=household_g,
        household_g2=household_g2,
        household_l=household_l,
        village_g=household_g.village,
        village_l=household_l.village,
    )
