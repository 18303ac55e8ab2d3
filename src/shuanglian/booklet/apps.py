from django.apps import AppConfig


class BookletConfig(AppConfig):
    name = "shuanglian.booklet"
    label = "booklet"
