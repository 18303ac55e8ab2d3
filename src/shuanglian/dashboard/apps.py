from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "shuanglian.dashboard"
    label = "dashboard"
    verbose_name = _("dashboards")
    default_auto_field = "django.db.models.BigAutoField"
