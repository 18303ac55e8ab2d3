import pytest

from shuanglian.conftest import GUOJIA, NUANQUAN
from shuanglian.dashboard import demo, figures
from shuanglian.dashboard.models import Figure, HolderKind, VillageFigure
from shuanglian.households.tests import factories as hf

pytestmark = pytest.mark.django_db


def test_seed_fills_every_village_and_level(admin_user):
    hf.household(actor=admin_user, village=NUANQUAN)
    VillageFigure.objects.all().delete()
    Figure.objects.all().delete()
    messages = []
    assert demo.seed(progress=messages.append) > 0
    town = figures.read_one(HolderKind.REGION, GUOJIA)
    assert (town.villages, town.households) == (35, 1)
    assert messages == ["rollups: 7 counties"]
