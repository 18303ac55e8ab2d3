"""Comparing the rollups kept on write with a rebuild from scratch."""

from shuanglian.dashboard import rollups
from shuanglian.dashboard.models import Figure, VillageFigure


def rollup_state() -> tuple[set, set]:
    figures = set(Figure.objects.values_list("kind", "key", "level", "metric", "dim", "value"))
    villages = set(VillageFigure.objects.values_list("village_code", "metric", "dim", "value"))
    return figures, villages


def assert_matches_rebuild() -> None:
    """The incremental rows equal those of a full rebuild (which replaces them)."""
    incremental = rollup_state()
    rollups.rebuild()
    rebuilt = rollup_state()
    assert incremental[1] ^ rebuilt[1] == set(), "village rows differ"
    assert incremental[0] ^ rebuilt[0] == set(), "figures differ"
