import pytest

from shuanglian.dashboard import rollups


@pytest.fixture(autouse=True)
def rollups_baseline(request):
    """Rollups rebuilt after the region tree is loaded, as a deployment does after
    `load_regions`: every village has its row before the writes of a test."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("regions")
    rollups.rebuild()
