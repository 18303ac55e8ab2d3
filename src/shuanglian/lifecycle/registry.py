"""The kinds of procedure and what each needs: its steps in order, the preconditions a household
must meet to start one, and what happens when one is approved.

Identification and exit are registered by this app (`lifecycle.kinds`); another app registers
its own kind from its AppConfig.ready(), e.g. the monitoring app's risk elimination::

    register(ProcedureKind.RISK_ELIMINATION, preconditions=check, on_approved=close_monitoring)

A kind nobody registered cannot be started.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shuanglian.lifecycle.models import ProcedureKind, Step

# The chain after the application, the same for every kind unless a kind says otherwise.
APPROVAL_CHAIN = (
    Step.DELIBERATION,
    Step.FIRST_NOTICE,
    Step.TOWNSHIP_REVIEW,
    Step.SECOND_NOTICE,
    Step.COUNTY_APPROVAL,
    Step.ANNOUNCEMENT,
)
DEFAULT_STEPS = {
    ProcedureKind.IDENTIFICATION: (Step.APPLICATION, *APPROVAL_CHAIN),
    ProcedureKind.EXIT: (Step.CRITERIA_CHECK, Step.APPLICATION, *APPROVAL_CHAIN),
    ProcedureKind.RISK_ELIMINATION: (Step.CRITERIA_CHECK, *APPROVAL_CHAIN),
}

Preconditions = Callable[[Any], list[str]]
OnApproved = Callable[[Any, Any], None]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    steps: tuple[str, ...]
    preconditions: Preconditions | None = None
    on_approved: OnApproved | None = None

    def failures(self, household) -> list[str]:
        """What keeps the household from starting (or passing the criteria check); [] = none."""
        return (
            [str(message) for message in self.preconditions(household)]
            if self.preconditions
            else []
        )

    def after(self, step: str) -> str:
        """The step that follows `step`, "" after the last."""
        index = self.steps.index(step)
        return self.steps[index + 1] if index + 1 < len(self.steps) else ""


_KINDS: dict[str, KindSpec] = {}


def register(
    kind: str,
    *,
    steps: Sequence[str] | None = None,
    preconditions: Preconditions | None = None,
    on_approved: OnApproved | None = None,
) -> KindSpec:
    """Register (or replace) a kind. `preconditions(household)` returns the failed criteria as
    messages; `on_approved(actor, procedure)` runs in the transaction of the last step."""
    kind = ProcedureKind(kind)
    chosen = tuple(Step(step) for step in (steps or DEFAULT_STEPS[kind]))
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"{kind}: a step appears twice")
    spec = KindSpec(kind=kind, steps=chosen, preconditions=preconditions, on_approved=on_approved)
    _KINDS[kind] = spec
    return spec


def spec_of(kind: str) -> KindSpec | None:
    return _KINDS.get(kind)


def registered_kinds() -> list[str]:
    return [kind for kind in ProcedureKind.values if kind in _KINDS]
