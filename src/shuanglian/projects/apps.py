from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "shuanglian.projects"
    label = "projects"
