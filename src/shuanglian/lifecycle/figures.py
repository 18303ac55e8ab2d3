"""The lifecycle's figure for the dashboards: exited households by the year their exit was
approved, per village.

It replaces the dashboard's default (exited households, year unknown): a household exited
through an approved exit procedure counts in that procedure's year; one registered as exited
without a procedure (imported, or from before the system) in the "not recorded" year ("").
"""

from django.db.models import Count, DateField, OuterRef, Subquery
from django.db.models.functions import ExtractYear

from shuanglian.dashboard import rollups
from shuanglian.households.models import Category, Household
from shuanglian.lifecycle.models import Procedure, ProcedureKind, ProcedureStatus


def exits_by_village(villages: list[str] | None, prefix: str | None):
    last_exit = (
        Procedure.objects.filter(
            household=OuterRef("pk"), kind=ProcedureKind.EXIT, status=ProcedureStatus.APPROVED
        )
        .order_by("-ended_on")
        .values("ended_on")[:1]
    )
    exited = Household.objects.filter(
        rollups.where("village_id", villages, prefix), category=Category.EXITED
    )
    rows = (
        exited.annotate(year=ExtractYear(Subquery(last_exit, output_field=DateField())))
        .values("village_id", "year")
        .annotate(n=Count("id"))
    )
    for row in rows:
        year = "" if row["year"] is None else str(row["year"])
        yield row["village_id"], rollups.EXITED, year, row["n"]
