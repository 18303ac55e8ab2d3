"""The rollup rebuild as a background task (django-tasks), e.g. after loading a province."""

from django_tasks import task

from shuanglian.dashboard import rollups


@task()
def rollups_rebuild(*, region: str | None = None) -> dict:
    """Rebuild the rollups (all, or one region's subtree); returns the village rows written."""
    return {"village_rows": rollups.rebuild(region=region)}
