from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "shuanglian.households"
    label = "households"
