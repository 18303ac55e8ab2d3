import pytest

from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN, QINAN
from shuanglian.core.access import NO_SCOPE, region_prefix, require_write, user_scope
from shuanglian.core.errors import Forbidden
from shuanglian.regions.models import Region


def test_region_prefix():
    assert region_prefix("620000000000") == "62"
    assert region_prefix("620522000000") == "620522"
    assert region_prefix("620522104000") == "620522104"
    assert region_prefix("620522104200") == "620522104200"


def test_officer_scope_is_the_region_and_below(town_officer):
    scope = user_scope(town_officer)
    assert scope.covers_region(NUANQUAN)
    assert scope.covers_region(GUOJIA)
    assert not scope.covers_region(LONGCHENG)
    assert not scope.covers_region(QINAN)
    codes = set(Region.objects.filter(scope.region_q("code")).values_list("code", flat=True))
    assert GUOJIA in codes and NUANQUAN in codes
    assert all(code.startswith("620522104") for code in codes)


@pytest.mark.django_db
def test_anonymous_and_unscoped_users_see_nothing(unit_admin, cadre_user):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), unit_admin, cadre_user, None):
        assert user_scope(user) == NO_SCOPE
        assert not Region.objects.filter(user_scope(user).region_q("code")).exists()


def test_viewer_reads_but_may_not_write(viewer):
    assert user_scope(viewer).covers_region(NUANQUAN)
    with pytest.raises(Forbidden):
        require_write(viewer, NUANQUAN)


def test_officer_may_not_write_outside_region(other_town_officer):
    with pytest.raises(Forbidden):
        require_write(other_town_officer, NUANQUAN)
    require_write(other_town_officer, LONGCHENG)
