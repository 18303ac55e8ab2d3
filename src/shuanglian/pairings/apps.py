from django.apps import AppConfig


class PairingsConfig(AppConfig):
    name = "shuanglian.pairings"
    label = "pairings"
