from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "shuanglian.alerts"
    label = "alerts"

    def ready(self) -> None:
        # The built-in alert sources register themselves on import; other apps (monitoring)
        # register theirs from their own ready().
        from shuanglian.alerts import sources  # noqa: F401
