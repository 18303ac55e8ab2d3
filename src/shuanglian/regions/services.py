"""Writes to the region tree: bulk loading from NBS tables."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

from django.db import transaction

from shuanglian.core.audit import audit
from shuanglian.core.models import AuditAction
from shuanglian.regions.loading import RegionRow
from shuanglian.regions.models import Region

BATCH_SIZE = 5000


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _batches(rows: Iterable[RegionRow], size: int):
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def region_load(
    *,
    actor,
    rows: Iterable[RegionRow],
    source: str = "",
    progress: Callable[[LoadResult], None] | None = None,
) -> LoadResult:
    """Upsert regions by code; unchanged rows are not written, so a reload changes nothing.

    Rows come parents first. Each batch commits on its own, so a crash loses at most one batch
    and a rerun picks up where it stopped (the upsert makes reruns harmless).
    """
    result = LoadResult()
    for batch in _batches(rows, BATCH_SIZE):
        with transaction.atomic():
            existing = {
                region.code: region
                for region in Region.objects.filter(code__in=[row.code for row in batch])
            }
            changed = []
            for row in batch:
                region = Region(
                    code=row.code,
                    name=row.name,
                    short_name=row.short_name,
                    level=row.level,
                    parent_id=row.parent,
                )
                old = existing.get(row.code)
                if old is None:
                    result.created += 1
                elif (old.name, old.short_name, old.level, old.parent_id) == (
                    region.name,
                    region.short_name,
                    region.level,
                    region.parent_id,
                ):
                    result.unchanged += 1
                    continue
                else:
                    result.updated += 1
                changed.append(region)
            Region.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "short_name", "level", "parent"],
            )
        if progress:
            progress(result)
    if result.created or result.updated:
        audit(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="regions.Region",
            object_repr=source[:200],
            changes={"created": result.created, "updated": result.updated},
        )
    return result
