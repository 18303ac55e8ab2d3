from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "shuanglian.assistance"
    label = "assistance"
