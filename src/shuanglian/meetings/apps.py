from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "shuanglian.meetings"
    label = "meetings"
