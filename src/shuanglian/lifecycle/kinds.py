"""The lifecycle's own kinds of procedure: identification (识别) makes a household a poor household
(贫困户), exit (退出) an exited one (脱贫户). Registered from LifecycleConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from shuanglian.households.models import Category
from shuanglian.lifecycle import registry, services
from shuanglian.lifecycle.criteria import exit_failures
from shuanglian.lifecycle.models import ProcedureKind

ALREADY_POOR = _("The household is already registered as a poor household.")
NOT_POOR = _("Only a registered poor household can exit (its category is {category}).")


def identification_preconditions(household) -> list[str]:
    return [str(ALREADY_POOR)] if household.category == Category.POOR else []


def exit_preconditions(household) -> list[str]:
    if household.category != Category.POOR:
        return [str(NOT_POOR.format(category=household.get_category_display()))]
    return exit_failures(household)


def _becomes(category: str):
    def on_approved(actor, procedure) -> None:
        services.household_category_set(actor=actor, procedure=procedure, category=category)

    return on_approved


def register_own_kinds() -> None:
    registry.register(
        ProcedureKind.IDENTIFICATION,
        preconditions=identification_preconditions,
        on_approved=_becomes(Category.POOR),
    )
    registry.register(
        ProcedureKind.EXIT, preconditions=exit_preconditions, on_approved=_becomes(Category.EXITED)
    )
