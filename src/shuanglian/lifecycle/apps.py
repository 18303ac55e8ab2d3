from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "shuanglian.lifecycle"
    label = "lifecycle"

    def ready(self) -> None:
        from shuanglian.dashboard import rollups
        from shuanglian.lifecycle.figures import exits_by_village
        from shuanglian.lifecycle.kinds import register_own_kinds

        register_own_kinds()
        rollups.register_village_provider(rollups.EXITED, exits_by_village)
