from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "shuanglian.regions"
    label = "regions"
