from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "shuanglian.exports"
    label = "exports"
