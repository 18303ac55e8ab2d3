"""Filling the dashboards of the demo: the demo builds through the services (which keep the
rollups up to date), then one rebuild makes sure every village of the loaded tree has its rows
(villages without any record included, which no write touched)."""

from collections.abc import Callable

from shuanglian.dashboard import rollups


def seed(progress: Callable[[str], None] | None = None) -> int:
    """Rebuild all rollups; returns the village rows written."""

    def report(chunk: str, done: int, total: int) -> None:
        if progress and done == total:
            progress(f"rollups: {total} counties")

    return rollups.rebuild(progress=report)
