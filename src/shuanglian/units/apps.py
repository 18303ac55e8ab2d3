from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "shuanglian.units"
    label = "units"
