from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "shuanglian.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from shuanglian.dashboard import rollups
        from shuanglian.monitoring import elimination, figures

        elimination.register_with_lifecycle()
        rollups.register_village_provider(rollups.MONITORED, figures.cases_by_village)
