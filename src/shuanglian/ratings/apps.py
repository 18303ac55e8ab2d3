from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "shuanglian.ratings"
    label = "ratings"
