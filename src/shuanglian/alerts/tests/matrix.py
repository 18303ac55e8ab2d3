"""Permission-matrix entries of the alerts app (see core/tests/test_permission_matrix.py).

alert_g: household G of 暖泉村 (paired with the cadre persona since 2012) not visited for
ALERT_VISIT_DAYS; alert_l: the same for household L of 常营村. Everyone who sees the household sees
its alert; dismissing is each user's own, so whoever sees an alert may dismiss it.
"""

from shuanglian.alerts.models import Alert, AlertKind
from shuanglian.alerts.services import alerts_refresh
from shuanglian.core.tests.test_permission_matrix import ADMIN, G_SIDE, L_SIDE, Route

ALERTS = ("alert_g", "alert_l")

PAGES = {
    "alerts:inbox": Route("/alerts/", "list"),
    "alerts:digest": Route("/alerts/digest/", "list"),
    "alerts:refresh": Route("/alerts/refresh/", "alerts_refresh", methods=("post",)),
    "alerts:dismiss": Route("/alerts/{pk}/dismiss/", "read", ALERTS, ("get", "post")),
}

API = {
    ("get", "/api/v1/alerts"): Route("/api/v1/alerts", "list"),
    ("get", "/api/v1/alerts/digest"): Route("/api/v1/alerts/digest", "list"),
    ("post", "/api/v1/alerts/{alert_id}/dismiss"): Route(
        "/api/v1/alerts/{pk}/dismiss", "read", ALERTS, ("post",)
    ),
}

SEES = {"alert_g": G_SIDE, "alert_l": L_SIDE}

# A refresh covers every region: administrators only.
WRITES = {("alerts_refresh", None): {ADMIN}}


def extend_world(world, admin) -> None:
    alerts_refresh(actor=admin)
    open_ = Alert.objects.filter(kind=AlertKind.NOT_VISITED, closed_at__isnull=True)
    world["alert_g"] = open_.get(household=world["household_g"])
    world["alert_l"] = open_.get(household=world["household_l"])
