"""A clock the tests move by hand: lockout windows, idle sessions and token lifetimes without
sleeping."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone


class Clock:
    """Stands in for django.utils.timezone.now. Each reading is a microsecond after the last,
    so rows written one after the other keep their order, as with a real clock."""

    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        self.at += dt.timedelta(microseconds=1)
        return self.at

    def advance(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock():
    # Every caller reads the time as timezone.now() (services, auto_now fields, the session
    # store), so one patch moves them all.
    fake = Clock(timezone.now().replace(microsecond=0))
    with mock.patch("django.utils.timezone.now", new=fake):
        yield fake


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """These tests sign in hundreds of times; the production hasher is slow on purpose.

    Autouse, so it is in force before the personas' passwords are hashed.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LONGCHENG_VILLAGE = "620522103200"


@pytest.fixture
def guojia_unit(admin_user):
    """A township unit of 郭嘉镇, lead unit of 暖泉村."""
    from shuanglian.conftest import GUOJIA, NUANQUAN
    from shuanglian.pairings.tests.factories import village_pairing
    from shuanglian.units.models import UnitLevel
    from shuanglian.units.tests.factories import unit

    found = unit(
        actor=admin_user,
        name="郭嘉镇卫生院",
        short_name="镇卫生院",
        region=GUOJIA,
        level=UnitLevel.TOWNSHIP,
    )
    village_pairing(actor=admin_user, unit=found, village=NUANQUAN)
    return found


@pytest.fixture
def guojia_cadre(guojia_unit, admin_user):
    """孙旺奎 of the 郭嘉镇 unit, with no account yet, responsible for two 暖泉村 households."""
    from shuanglian.households.tests.factories import household
    from shuanglian.pairings.tests.factories import household_pairing
    from shuanglian.units.tests.factories import cadre

    found = cadre(actor=admin_user, unit=guojia_unit, name="孙旺奎")
    for head in ("邵维基", "王建祥"):
        home = household(actor=admin_user, head_name=head)
        household_pairing(actor=admin_user, household=home, cadre=found)
    return found


@pytest.fixture
def longcheng_cadre(admin_user):
    """A cadre of a 陇城镇 unit: outside the 郭嘉镇 officer's reach."""
    from shuanglian.conftest import LONGCHENG
    from shuanglian.units.models import UnitLevel
    from shuanglian.units.tests.factories import cadre, unit

    found = unit(
        actor=admin_user, name="陇城镇中心小学", region=LONGCHENG, level=UnitLevel.TOWNSHIP
    )
    return cadre(actor=admin_user, unit=found, name="李爱仙")
