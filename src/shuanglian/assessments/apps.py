from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "shuanglian.assessments"
    label = "assessments"
