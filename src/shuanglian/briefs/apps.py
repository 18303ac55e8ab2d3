from django.apps import AppConfig


class BriefsConfig(AppConfig):
    name = "shuanglian.briefs"
    label = "briefs"
