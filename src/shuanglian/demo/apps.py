from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shuanglian.demo"
    label = "demo"
