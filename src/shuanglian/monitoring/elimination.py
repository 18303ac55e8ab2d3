"""Risk elimination (风险消除) goes through the lifecycle app's procedure engine: the village →
township → county chain with its public notices. This module gives the engine the two things
it needs for the kind: what keeps a household from starting, and what approval does.
"""

from django.utils.translation import gettext_lazy as _

from shuanglian.monitoring.models import CaseStage, MonitoringCase

NO_CONFIRMED_CASE = _("The household has no confirmed monitoring case to close.")


def confirmed_case(household) -> MonitoringCase | None:
    return (
        MonitoringCase.objects.select_related("household")
        .filter(household=household, stage=CaseStage.CONFIRMED)
        .first()
    )


def preconditions(household) -> list[str]:
    """The engine's precondition check: the problems of the household's confirmed case."""
    from shuanglian.monitoring.services import risk_elimination_problems

    case = confirmed_case(household)
    if case is None:
        return [str(NO_CONFIRMED_CASE)]
    return risk_elimination_problems(case)


def on_approved(actor, procedure) -> None:
    """The last step of the chain was recorded: close the case as risk-eliminated."""
    from shuanglian.monitoring.services import case_risk_eliminate

    case = confirmed_case(procedure.household)
    if case is None:
        from shuanglian.core.errors import Conflict

        raise Conflict(NO_CONFIRMED_CASE, field="stage")
    case_risk_eliminate(actor=actor, case=case)


def register_with_lifecycle() -> None:
    from shuanglian.lifecycle.models import ProcedureKind
    from shuanglian.lifecycle.registry import register

    register(ProcedureKind.RISK_ELIMINATION, preconditions=preconditions, on_approved=on_approved)
