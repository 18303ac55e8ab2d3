from django.urls import path

from shuanglian.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/assess/", views.case_assess, name="case_assess"),
    path("cases/<int:pk>/confirm/", views.case_confirm, name="case_confirm"),
    path("cases/<int:pk>/dismiss/", views.case_dismiss, name="case_dismiss"),
    path("cases/<int:pk>/income-checks/new/", views.income_check_add, name="income_check_add"),
    path("cases/<int:pk>/measures/new/", views.measure_add, name="measure_add"),
    path("reasons/<int:pk>/resolve/", views.reason_resolve, name="reason_resolve"),
    path("households/<int:pk>/flag/", views.household_flag, name="household_flag"),
    path("households/<int:pk>/report/", views.household_report, name="household_report"),
    path("households/<int:pk>/risk-events/", views.risk_events, name="risk_events"),
    path("households/<int:pk>/risk-events/new/", views.risk_event_create, name="risk_event_create"),
    path("screenings/new/", views.screening_start, name="screening_start"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening_detail"),
]
