import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.core.photos import MAX_PIXELS, PHOTO_NOT_IMAGE, PHOTO_TOO_LARGE
from shuanglian.projects import services
from shuanglian.projects.models import ProjectPhoto
from shuanglian.projects.tests import factories
from shuanglian.regions.tests.pages import assert_same_404, text, zh

LONGCHENG_VILLAGE = "620522103200"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def project(admin_user):
    return factories.project(actor=admin_user)


def test_photo_is_stored_audited_and_shown(login, town_officer, project):
    client = login(town_officer)
    assert client.get(f"/projects/{project.pk}/photos/new/").status_code == 200
    response = client.post(
        f"/projects/{project.pk}/photos/new/",
        {"photos": factories.png_upload(), "caption": "主体完工"},
    )
    assert response.status_code == 302
    photo = ProjectPhoto.objects.get()
    assert (photo.width, photo.height, photo.uploaded_by) == (40, 30, town_officer)
    assert AuditEvent.objects.filter(object_type="projects.ProjectPhoto").exists()
    page = text(client.get(f"/projects/{project.pk}/"))
    assert f"/projects/photos/{photo.pk}/?size=thumb" in page
    response = client.get(f"/projects/photos/{photo.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_not_an_image_is_refused(login, town_officer, project):
    client = login(town_officer)
    fake = SimpleUploadedFile("photo.jpg", b"not really a jpeg", content_type="image/jpeg")
    response = client.post(f"/projects/{project.pk}/photos/new/", {"photos": fake})
    assert response.status_code == 400
    assert zh(PHOTO_NOT_IMAGE) in text(response)
    assert not ProjectPhoto.objects.exists()


def test_too_large_is_refused(admin_user, project, settings):
    settings.PHOTO_MAX_MB = 0
    with pytest.raises(InvalidInput) as err:
        services.project_photo_add(actor=admin_user, project=project, upload=factories.png_upload())
    assert str(err.value.message) == str(
        PHOTO_TOO_LARGE.format(mb=0, megapixels=MAX_PIXELS // 1_000_000)
    )
    assert not ProjectPhoto.objects.exists()


def test_viewer_may_not_add_photos(viewer, project):
    with pytest.raises(Forbidden):
        services.project_photo_add(actor=viewer, project=project, upload=factories.png_upload())


def test_photo_of_a_hidden_project_is_like_missing(login, admin_user, other_town_officer, project):
    photo = services.project_photo_add(
        actor=admin_user, project=project, upload=factories.png_upload()
    )
    client = login(other_town_officer)
    assert_same_404(client, f"/projects/photos/{photo.pk}/", "/projects/photos/999999/")
