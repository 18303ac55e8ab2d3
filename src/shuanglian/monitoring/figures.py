"""The monitoring figures the dashboards show: cases by category and stage, per village.

Registered with the dashboard's rollups (see MonitoringConfig.ready); the monitoring services
call `rollups.refresh` for the household's village on every change of a case's stage.
"""

from django.db.models import Count

from shuanglian.dashboard import rollups
from shuanglian.monitoring.models import MonitoringCase


def cases_by_village(villages: list[str] | None, prefix: str | None):
    cases = MonitoringCase.objects.filter(rollups.where("household__village_id", villages, prefix))
    for row in cases.values("household__village_id", "category", "stage").annotate(n=Count("id")):
        dim = f"{row['category']}|{row['stage']}"
        yield row["household__village_id"], rollups.MONITORED, dim, row["n"]
