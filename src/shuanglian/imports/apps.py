from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "shuanglian.imports"
    label = "imports"
