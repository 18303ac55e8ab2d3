import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ExifTags

from shuanglian.conftest import NUANQUAN
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.models import AuditEvent
from shuanglian.core.photos import PHOTO_NOT_IMAGE
from shuanglian.core.tests.api_helpers import error_body, walk_pages, zh
from shuanglian.pairings.tests import factories as pairings
from shuanglian.projects import services
from shuanglian.projects.api import BODY_FIELD_INVALID, BODY_INVALID, PHOTO_FILE_REQUIRED
from shuanglian.projects.models import Funding, Project, ProjectPhoto, ProjectStatus
from shuanglian.projects.selectors import PROJECT_NOT_FOUND
from shuanglian.projects.tests import factories
from shuanglian.units.tests import factories as units

LONGCHENG_VILLAGE = "620522103200"
MISSING = 999999


@pytest.fixture
def data(admin_user):
    unit = units.unit(actor=admin_user, name="县委宣传部")
    g = factories.project(actor=admin_user, lead_unit_id=unit.pk)
    other = factories.project(actor=admin_user, village=LONGCHENG_VILLAGE, name="常营村道路")
    entry = factories.funding(actor=admin_user, project=g, amount="1000", unit_id=unit.pk)
    factories.funding(actor=admin_user, project=other, amount="7", source="fiscal")
    return {"unit": unit, "g": g, "other": other, "entry": entry}


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_list_and_detail_are_scoped(login, town_officer, data):
    client = login(town_officer)
    body = client.get("/api/v1/projects").json()
    assert [item["id"] for item in body["items"]] == [data["g"].pk]
    assert body["items"][0]["funded"] == "1000.00"
    detail = client.get(f"/api/v1/projects/{data['g'].pk}").json()
    assert detail["history"][0]["to_status"] == "planned"
    assert detail["ledger"][0]["unit"] == {"id": data["unit"].pk, "name": "县委宣传部"}
    assert detail["totals"] == {"by_source": {"unit": "1000.00"}, "total": "1000.00"}
    hidden = error_body(client.get(f"/api/v1/projects/{data['other'].pk}"), 404)
    missing = error_body(client.get(f"/api/v1/projects/{MISSING}"), 404)
    assert missing["message"] == zh(PROJECT_NOT_FOUND).format(id=MISSING)
    assert hidden["extra"] == missing["extra"]


def test_list_pages(login, admin_user):
    for number in range(5):
        factories.project(actor=admin_user, name=f"项目{number}")
    ids, pages = walk_pages(login(admin_user), "/api/v1/projects", limit=2)
    assert pages == 3
    assert ids == sorted(Project.objects.values_list("pk", flat=True))


def test_list_queries_bounded(login, admin_user, data, django_assert_max_num_queries):
    client = login(admin_user)
    for number in range(10):
        factories.project(actor=admin_user, name=f"项目{number}")
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/projects?limit=50").status_code == 200


def test_create_advance_fund_and_reverse(login, town_officer):
    client = login(town_officer)
    response = post(
        client,
        "/api/v1/projects",
        {"village": NUANQUAN, "name": "暖泉村梯田", "type": "terrace", "year": 2012,
         "quantity": 500, "budget": "200000", "planned_on": "2012-02-01"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    project_id = response.json()["id"]
    assert response.json()["quantity_unit"] == zh(services.QUANTITY_UNITS["terrace"])
    response = post(
        client,
        f"/api/v1/projects/{project_id}/status",
        {"to_status": "accepted", "changed_on": "2012-04-01"},
    )
    body = error_body(response, 400)
    assert body["message"] == zh(services.PROJECT_STATUS_STEP).format(
        current=zh(ProjectStatus.PLANNED.label), next=zh(ProjectStatus.BUILDING.label)
    )
    response = post(
        client,
        f"/api/v1/projects/{project_id}/status",
        {"to_status": "building", "changed_on": "2012-04-01", "note": "开工"},
    )
    assert response.status_code == 201
    assert response.json()["changed_by"] == town_officer.username
    response = post(
        client,
        f"/api/v1/projects/{project_id}/funding",
        {"source": "fiscal", "amount": "150000", "received_on": "2012-05-01"},
    )
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    response = post(client, f"/api/v1/projects/funding/{entry_id}/reverse", {"reason": "错账"})
    assert response.status_code == 201
    assert response.json()["amount"] == "-150000.00"
    assert response.json()["reverses"] == entry_id
    reversal_id = response.json()["id"]
    body = error_body(
        post(client, f"/api/v1/projects/funding/{entry_id}/reverse", {"reason": "x"}), 409
    )
    assert body["message"] == zh(services.FUNDING_ALREADY_REVERSED)
    detail = client.get(f"/api/v1/projects/{project_id}").json()
    assert detail["ledger"][0]["reversed_by"] == reversal_id
    assert detail["totals"]["total"] == "0.00"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"source": "fiscal", "amount": "-1", "received_on": "2012-05-01"}, 400,
         services.FUNDING_AMOUNT_INVALID),
        ({"source": "fiscal", "amount": "1e11", "received_on": "2012-05-01"}, 400,
         services.FUNDING_AMOUNT_INVALID),
        ({"source": "fiscal", "amount": "1", "received_on": "tomorrow"}, 400,
         services.FUNDING_DATE_FUTURE),
        ({"source": "fiscal", "amount": "abc", "received_on": "2012-05-01"}, 400, None),
    ],
)  # fmt: skip
def test_bad_funding_answers_400_and_saves_nothing(login, admin_user, data, body, status, message):
    if body["received_on"] == "tomorrow":
        body["received_on"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    count = Funding.objects.count()
    response = post(login(admin_user), f"/api/v1/projects/{data['g'].pk}/funding", body)
    payload = error_body(response, status)
    if message is not None:
        assert payload["message"] == zh(message)
    else:
        assert payload["message"] == zh(BODY_FIELD_INVALID).format(field="amount")
    assert Funding.objects.count() == count


def test_body_that_is_not_json(login, admin_user, data):
    response = login(admin_user).post(f"/api/v1/projects/{data['g'].pk}/funding", "garbage",
                                      content_type="application/json")  # fmt: skip
    assert error_body(response, 400)["message"] == zh(BODY_INVALID)


def test_rights_are_checked_before_the_body(login, viewer, data):
    client = login(viewer)
    body = error_body(client.post("/api/v1/projects"), 403)
    assert body["message"] == zh(WRITE_FORBIDDEN)
    error_body(client.post(f"/api/v1/projects/{data['g'].pk}/status"), 403)
    error_body(post(client, f"/api/v1/projects/funding/{data['entry'].pk}/reverse", {}), 403)


def test_totals(login, admin_user, town_officer, data):
    client = login(town_officer)
    assert client.get("/api/v1/projects/funding/totals").json()["total"] == "1000.00"
    client = login(admin_user)
    assert client.get("/api/v1/projects/funding/totals").json()["by_source"] == {
        "unit": "1000.00",
        "fiscal": "7.00",
    }
    body = client.get(f"/api/v1/projects/funding/totals?unit={data['unit'].pk}").json()
    assert body["total"] == "1000.00"
    body = client.get(f"/api/v1/projects/funding/totals?village={LONGCHENG_VILLAGE}").json()
    assert body["total"] == "7.00"
    body = client.get(f"/api/v1/projects/funding/totals?project={data['other'].pk}").json()
    assert body["total"] == "7.00"
    client = login(town_officer)
    hidden = f"/api/v1/projects/funding/totals?project={data['other'].pk}"
    error_body(client.get(hidden), 404)


def put(client, path, body):
    return client.put(path, body, content_type="application/json")


def update_body(project, **changes) -> dict:
    return {
        "village": project.village_id,
        "name": project.name,
        "type": project.type,
        "year": project.year,
        "quantity": str(project.quantity),
        "budget": str(project.budget),
        "lead_unit": project.lead_unit_id,
        "contributing_units": [],
        "description": project.description,
        "progress": project.progress,
        **changes,
    }


def test_update_changes_the_project_and_is_audited(login, admin_user, town_officer, data):
    # Paired with 暖泉村, so the 郭嘉镇 officer sees the unit and may name it.
    pairings.village_pairing(actor=admin_user, unit=data["unit"], village=NUANQUAN)
    project = data["g"]
    client = login(town_officer)
    body = update_body(project, name="暖泉村文化广场", budget="300000.50", progress=40,
                       contributing_units=[data["unit"].pk], status="planned")  # fmt: skip
    response = put(client, f"/api/v1/projects/{project.pk}", body)
    assert response.status_code == 200, response.content
    detail = response.json()
    assert (detail["name"], detail["budget"]) == ("暖泉村文化广场", "300000.50")
    assert detail["progress"] == 40
    assert detail["contributing_units"] == [{"id": data["unit"].pk, "name": "县委宣传部"}]
    project.refresh_from_db()
    assert (project.name, project.progress, project.status) == ("暖泉村文化广场", 40, "planned")
    event = AuditEvent.objects.filter(
        object_type="projects.Project", object_id=str(project.pk), action="update"
    ).get()
    assert event.changes["name"] == ["暖泉村村级综合文化活动中心", "暖泉村文化广场"]


def _unchanged(project) -> tuple:
    project.refresh_from_db()
    return (project.name, project.budget, project.progress, project.status)


@pytest.mark.parametrize(
    ("changes", "constant"),
    [
        ({"budget": "-1"}, services.PROJECT_BUDGET_INVALID),
        ({"progress": 101}, services.PROJECT_PROGRESS_INVALID),
        ({"progress": -5}, services.PROJECT_PROGRESS_INVALID),
        ({"status": "accepted"}, services.PROJECT_STATUS_NOT_EDITED),
        ({"status": "building"}, services.PROJECT_STATUS_NOT_EDITED),
    ],
)
def test_bad_update_answers_400_and_changes_nothing(login, admin_user, data, changes, constant):
    project = data["g"]
    before = _unchanged(project)
    audited = AuditEvent.objects.count()
    body = update_body(project, name="改名", **changes)
    response = put(login(admin_user), f"/api/v1/projects/{project.pk}", body)
    assert error_body(response, 400)["message"] == zh(constant)
    assert _unchanged(project) == before
    assert AuditEvent.objects.count() == audited


def test_update_scope_and_rights(login, town_officer, viewer, data):
    hidden = data["other"]
    client = login(town_officer)
    one = error_body(put(client, f"/api/v1/projects/{hidden.pk}", update_body(hidden)), 404)
    other = error_body(put(client, f"/api/v1/projects/{MISSING}", update_body(hidden)), 404)
    assert one["extra"] == other["extra"]
    body = error_body(put(login(viewer), f"/api/v1/projects/{data['g'].pk}", {}), 403)
    assert body["message"] == zh(WRITE_FORBIDDEN)
    assert _unchanged(hidden)[0] == "常营村道路"


def test_update_without_a_body_answers_400(login, admin_user, data):
    response = login(admin_user).put(f"/api/v1/projects/{data['g'].pk}")
    assert error_body(response, 400)["message"] == zh(BODY_INVALID)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("keep_gps", [False, True])
def test_photo_upload_strips_gps_unless_kept(login, town_officer, data, media, keep_gps):
    client = login(town_officer)
    form = {"photo": factories.jpeg_with_gps_upload(), "caption": "主体完工"}
    if keep_gps:
        form["keep_gps"] = "true"
    response = client.post(f"/api/v1/projects/{data['g'].pk}/photos", form)
    assert response.status_code == 201, response.content
    body = response.json()
    photo = ProjectPhoto.objects.get()
    assert body == {
        "id": photo.pk,
        "url": f"/projects/photos/{photo.pk}/",
        "thumbnail_url": f"/projects/photos/{photo.pk}/?size=thumb",
        "width": 64,
        "height": 48,
        "gps_kept": keep_gps,
    }
    with photo.image.open("rb") as stored:
        gps = factories.gps_of(stored.read())
    if keep_gps:
        assert gps[ExifTags.GPS.GPSLatitudeRef] == "N"
    else:
        assert gps == {}
    with photo.thumbnail.open("rb") as thumb:
        assert factories.gps_of(thumb.read()) == {}
    assert AuditEvent.objects.filter(object_type="projects.ProjectPhoto").count() == 1
    detail = client.get(f"/api/v1/projects/{data['g'].pk}").json()
    assert detail["photos"] == [body]


def test_bad_photo_uploads_answer_400_and_store_nothing(login, town_officer, data, media):
    client = login(town_officer)
    url = f"/api/v1/projects/{data['g'].pk}/photos"
    assert error_body(client.post(url, {"caption": "无图"}), 400)["message"] == zh(
        PHOTO_FILE_REQUIRED
    )
    fake = SimpleUploadedFile("photo.jpg", b"not really a jpeg", content_type="image/jpeg")
    assert error_body(client.post(url, {"photo": fake}), 400)["message"] == zh(PHOTO_NOT_IMAGE)
    assert not ProjectPhoto.objects.exists()


def test_photo_upload_scope_and_rights(login, town_officer, viewer, data, media):
    client = login(town_officer)
    upload = factories.png_upload
    hidden = f"/api/v1/projects/{data['other'].pk}/photos"
    one = error_body(client.post(hidden, {"photo": upload()}), 404)
    other = error_body(client.post(f"/api/v1/projects/{MISSING}/photos", {"photo": upload()}), 404)
    assert one["extra"] == other["extra"]
    url = f"/api/v1/projects/{data['g'].pk}/photos"
    error_body(login(viewer).post(url, {"photo": upload()}), 403)
    assert not ProjectPhoto.objects.exists()


def test_funding_names_the_cadre_who_raised_it(login, admin_user, data):
    cadre = units.cadre(actor=admin_user, unit=data["unit"], name="孙旺奎")
    client = login(admin_user)
    url = f"/api/v1/projects/{data['g'].pk}/funding"
    body = {"source": "unit", "amount": "2000", "received_on": "2012-07-01",
            "unit": data["unit"].pk, "raised_by": cadre.pk}  # fmt: skip
    response = post(client, url, body)
    assert response.status_code == 201, response.content
    assert response.json()["raised_by"] == {
        "id": cadre.pk,
        "name": "孙旺奎",
        "unit": {"id": data["unit"].pk, "name": "县委宣传部"},
    }
    ledger = client.get(f"/api/v1/projects/{data['g'].pk}").json()["ledger"]
    assert [entry["raised_by"] and entry["raised_by"]["id"] for entry in ledger] == [None, cadre.pk]
    count = Funding.objects.count()
    response = post(client, url, {**body, "unit": None})
    assert error_body(response, 400)["message"] == zh(services.FUNDING_RAISER_NOT_OF_UNIT).format(
        name="孙旺奎"
    )
    assert Funding.objects.count() == count


def test_list_queries_do_not_grow_with_projects(login, admin_user, data):
    client = login(admin_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/projects?limit=100").status_code == 200
        return len(queries)

    few = count()
    for number in range(8):
        more = factories.project(
            actor=admin_user, name=f"项目{number}", lead_unit_id=data["unit"].pk
        )
        factories.funding(actor=admin_user, project=more, unit_id=data["unit"].pk)
    assert count() == few
