"""Revealing personal data: one field of one record, with a reason, by permission, audited."""

import pytest
from django.urls import reverse

from shuanglian.conftest import LONGCHENG_VILLAGE_PREFIX
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.core.services import (
    REVEAL_NOT_ALLOWED,
    REVEAL_REASON_REQUIRED,
    personal_data_reveal,
)
from shuanglian.core.tests.api_helpers import error_body
from shuanglian.households.tests import factories as hf
from shuanglian.regions.tests.pages import assert_same_404, text, zh
from shuanglian.units.tests import factories as uf

PHONE = "13987654321"
REASON = "核实低保申请材料"


@pytest.fixture
def records(admin_user):
    head_id = hf.id_number()
    household = hf.household(actor=admin_user, head_id=head_id, phone=PHONE)
    cadre = uf.cadre(
        actor=admin_user,
        unit=uf.unit(actor=admin_user),
        phone="13700001234",
        id_number=hf.id_number(),
    )
    return {
        "household": household,
        "head": household.members.get(),
        "head_id": head_id,
        "cadre": cadre,
    }


@pytest.fixture
def revealer(county_officer):
    county_officer.can_reveal = True
    county_officer.save(update_fields=["can_reveal"])
    return county_officer


def url(kind, pk, field):
    return reverse("core:reveal", args=[kind, pk, field])


def test_service_returns_the_value_and_audits_the_reason(revealer, records):
    value = personal_data_reveal(
        actor=revealer, obj=records["head"], field="id_number", reason=REASON
    )
    assert value == records["head_id"]
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor, event.object_type, event.outcome) == (
        revealer,
        "households.Member",
        "success",
    )
    assert event.changes == {"field": "id_number", "reason": REASON}
    assert records["head_id"] not in str(event.changes) + event.object_repr


def test_without_the_permission_the_attempt_is_refused_and_audited(county_officer, records):
    with pytest.raises(Forbidden):
        personal_data_reveal(
            actor=county_officer, obj=records["household"], field="phone", reason=REASON
        )
    event = AuditEvent.objects.get(action="reveal")
    assert event.outcome == "denied" and event.changes["reason"] == REASON


def test_a_reason_is_required(revealer, records):
    with pytest.raises(InvalidInput) as exc_info:
        personal_data_reveal(actor=revealer, obj=records["household"], field="phone", reason=" a ")
    assert exc_info.value.field == "reason"
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_page_shows_the_value_after_a_reason(login, revealer, records):
    client = login(revealer)
    member = records["head"]
    page = client.get(url("member", member.pk, "id_number"))
    assert page.status_code == 200 and records["head_id"] not in text(page)
    refused = client.post(url("member", member.pk, "id_number"), {"reason": "x"})
    assert refused.status_code == 400
    assert zh(REVEAL_REASON_REQUIRED, min=4) in text(refused)
    shown = client.post(url("member", member.pk, "id_number"), {"reason": REASON})
    assert shown.status_code == 200
    assert records["head_id"] in text(shown)
    assert shown["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="reveal", outcome="success").count() == 1


def test_detail_pages_offer_the_reveal_link_only_with_the_permission(
    login, revealer, viewer, records
):
    link = url("household", records["household"].pk, "phone")
    detail = reverse("households:detail", args=[records["household"].pk])
    assert link in text(login(revealer).get(detail))
    assert link not in text(login(viewer).get(detail))


def test_page_without_the_permission_is_403(login, viewer, records):
    client = login(viewer)
    response = client.get(url("household", records["household"].pk, "phone"))
    assert response.status_code == 403
    assert zh(REVEAL_NOT_ALLOWED) in text(response)
    response = client.post(url("household", records["household"].pk, "phone"), {"reason": REASON})
    assert response.status_code == 403 and PHONE not in text(response)
    assert AuditEvent.objects.get(action="reveal").outcome == "denied"


def test_out_of_scope_record_is_the_same_404_as_nonexistent(login, other_town_officer, records):
    other_town_officer.can_reveal = True
    other_town_officer.save(update_fields=["can_reveal"])
    assert LONGCHENG_VILLAGE_PREFIX not in records["household"].village_id
    client = login(other_town_officer)
    missing = records["household"].pk + 1000
    assert_same_404(
        client,
        url("household", records["household"].pk, "phone"),
        url("household", missing, "phone"),
    )


def test_unknown_kind_or_field_is_404(login, revealer, records):
    client = login(revealer)
    assert client.get(url("household", records["household"].pk, "id_number")).status_code == 404
    assert client.get(url("village", 1, "phone")).status_code == 404


def test_api_reveal(login, revealer, viewer, records):
    body = {"kind": "cadre", "id": records["cadre"].pk, "field": "phone", "reason": REASON}
    response = login(revealer).post("/api/v1/reveal", body, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"value": "137 0000 1234"}
    refused = login(viewer).post("/api/v1/reveal", body, content_type="application/json")
    assert error_body(refused, 403)["message"] == zh(REVEAL_NOT_ALLOWED)
    body["field"] = "nothing"
    error_body(login(revealer).post("/api/v1/reveal", body, content_type="application/json"), 422)
