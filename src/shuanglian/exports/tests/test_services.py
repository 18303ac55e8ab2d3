import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuanglian.core.errors import Forbidden, InvalidInput, NotFound
from shuanglian.core.models import AuditAction, AuditEvent, AuditOutcome
from shuanglian.exports import services
from shuanglian.exports.models import ExportJob, ExportStatus
from shuanglian.exports.services import (
    EXPORT_REASON_REQUIRED,
    FORMAT_UNKNOWN,
    LIST_UNKNOWN,
    export_job_run,
    export_start,
)
from shuanglian.households.tests import factories as hf


def test_a_small_export_is_direct_counted_and_audited(town_officer, registry):
    plan = export_start(actor=town_officer, list_key="households", params={}, fmt="csv")
    assert not plan.in_background
    assert plan.count == 2
    assert len(list(plan.cells())) == 2
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "households.Household"
    assert event.changes["rows"] == 2


def test_rows_added_after_the_count_are_not_in_the_file(admin_user, town_officer, registry):
    plan = export_start(actor=town_officer, list_key="households", params={}, fmt="csv")
    hf.household(actor=admin_user, head_name="后来户")
    assert len(list(plan.cells())) == plan.count == 2


def test_the_count_stops_past_the_threshold(town_officer, registry, monkeypatch):
    monkeypatch.setattr(services, "TASK_ROWS", 1)
    with CaptureQueriesContext(connection) as queries:
        plan = export_start(actor=town_officer, list_key="households", params={}, fmt="xlsx")
    assert plan.in_background and plan.count is None
    assert plan.job.status == ExportStatus.QUEUED
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()  # audited when done
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 2" in counts[0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"list_key": "nonsense"}, NotFound, LIST_UNKNOWN.format(key="nonsense")),
        ({"fmt": "pdf"}, InvalidInput, FORMAT_UNKNOWN),
        ({"reveal": True, "reason": "短"}, InvalidInput, EXPORT_REASON_REQUIRED.format(min=4)),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(admin_user, registry, kwargs, error, message):
    values = {"list_key": "members", "params": {}, "fmt": "csv", **kwargs}
    before = AuditEvent.objects.count()
    with pytest.raises(error) as raised:
        export_start(actor=admin_user, **values)
    assert str(raised.value.message) == str(message)
    assert AuditEvent.objects.count() == before
    assert not ExportJob.objects.exists()


def test_a_refused_reveal_is_audited_as_denied(viewer, registry):
    with pytest.raises(Forbidden):
        export_start(
            actor=viewer, list_key="cadres", params={}, fmt="csv", reveal=True, reason="核对电话"
        )
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.outcome == AuditOutcome.DENIED
    assert event.changes["reason"] == "核对电话"


def test_a_list_without_personal_data_ignores_the_reveal(admin_user, registry):
    plan = export_start(
        actor=admin_user, list_key="projects", params={}, fmt="csv", reveal=True, reason="核对"
    )
    assert not plan.reveal
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert "revealed" not in event.changes


def test_a_background_export_uses_the_scope_and_permission_of_the_user_when_it_runs(
    county_officer, registry, monkeypatch, export_files
):
    county_officer.can_reveal = True
    county_officer.save(update_fields=["can_reveal"])
    monkeypatch.setattr(services, "TASK_ROWS", 1)
    plan = export_start(
        actor=county_officer,
        list_key="members",
        params={},
        fmt="csv",
        reveal=True,
        reason="核实身份信息",
    )
    county_officer.can_reveal = False
    county_officer.save(update_fields=["can_reveal"])
    job = export_job_run(job_id=plan.job.pk)
    assert job.status == ExportStatus.DONE and job.rows == 4
    body = (export_files / job.file_name).read_text(encoding="utf-8-sig")
    assert registry["id_number"] not in body
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.changes["rows"] == 4 and "revealed" not in event.changes
    # A task delivered twice writes once.
    assert export_job_run(job_id=job.pk).file_name == job.file_name
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_a_background_export_whose_filter_became_invalid_fails_cleanly(
    admin_user, registry, monkeypatch, export_files
):
    job = ExportJob.objects.create(
        user=admin_user, list_key="households", fmt="csv", filters={"category": "nonsense"}
    )
    job = export_job_run(job_id=job.pk)
    assert job.status == ExportStatus.FAILED
    assert not export_files.exists() or not any(export_files.iterdir())
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
