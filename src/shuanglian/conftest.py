"""Fixtures for the whole suite: a small region tree, fixed personas, the API client.

Regions: Gansu → 天水市 → 秦安县 → its 17 townships → the villages of 郭嘉镇 and 陇城镇, taken
from the file the project ships, loaded once per test database.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.db.models.signals import post_migrate

from shuanglian.regions.loading import SHIPPED_FILE, read_shipped

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

QINAN = "620522000000"
GUOJIA = "620522104000"
LONGCHENG = "620522103000"
NUANQUAN = "620522104200"  # 暖泉村
HUAIMIAO = "620522104238"  # 槐庙村
LONGCHENG_VILLAGE_PREFIX = "620522103"

# Browser tests: Debian's chromium driven by Playwright (never a browser Playwright downloads).
CHROMIUM = "/usr/bin/chromium"
# Without these, chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Screenshots land here; CI keeps the folder.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def sample_region_rows():
    wanted_prefixes = ("620522104", LONGCHENG_VILLAGE_PREFIX)
    for row in read_shipped(SHIPPED_FILE):
        if row.level == "village":
            if row.code.startswith(wanted_prefixes):
                yield row
        elif row.level == "province" or row.code.startswith(("6205", "620522")):
            yield row


def load_test_regions() -> None:
    from shuanglian.regions.services import region_load

    region_load(actor=None, rows=sample_region_rows(), source="test")


def _restore_reference_data(sender, **kwargs) -> None:
    """`flush` (after browser and other transactional tests, and after the demo module) empties
    the tables the data migrations filled, then sends post_migrate: put the reference rows back,
    as Django does for content types, so that the next test on the same worker finds them.
    Tests only: in production an administrator's deletions must stay deleted.
    """
    from django.apps import apps

    if sender.label == "lifecycle":
        from shuanglian.lifecycle.lines import load_lines, read_lines

        line = apps.get_model("lifecycle", "IncomeLine")
        if not line.objects.exists():
            load_lines(line, apps.get_model("regions", "Region"), read_lines())
    elif sender.label == "ratings":
        from shuanglian.ratings.services import DEFAULT_STARS

        star = apps.get_model("ratings", "Star")
        if not star.objects.exists():
            for order, name in enumerate(DEFAULT_STARS, start=1):
                star.objects.create(name=name, order=order, active=True)


post_migrate.connect(_restore_reference_data, dispatch_uid="shuanglian-test-reference-data")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request with the English cookie leaves the
    worker thread's language activated (as any request does), and lazy messages formatted by the
    next test would silently come out in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_test_regions()


@pytest.fixture
def regions(db):
    """The test region tree, reloaded when a transactional test flushed it."""
    from shuanglian.regions.models import Region

    if not Region.objects.filter(code=NUANQUAN).exists():
        load_test_regions()
    return Region.objects


def _user(username, role, region=None, **extra):
    from shuanglian.accounts.models import User

    user = User.objects.create_user(
        username=username, password="Test@12345", role=role, region_id=region, **extra
    )
    return user


@pytest.fixture
def admin_user(regions):
    return _user("admin", "admin", is_superuser=True, is_staff=True)


@pytest.fixture
def county_officer(regions):
    """秦安县 双联办."""
    return _user("county", "region_officer", QINAN)


@pytest.fixture
def town_officer(regions):
    """郭嘉镇 双联办: this town."""
    return _user("guojia", "region_officer", GUOJIA)


@pytest.fixture
def other_town_officer(regions):
    """陇城镇 双联办: another town of the same county."""
    return _user("longcheng", "region_officer", LONGCHENG)


@pytest.fixture
def viewer(regions):
    """A supervisor who reads 秦安县."""
    return _user("viewer", "viewer", QINAN)


PERSONA_UNIT = "秦安县妇女联合会"


@pytest.fixture
def persona_unit(admin_user):
    """县妇联: the unit of the unit administrator and cadre personas, a member unit of 暖泉村."""
    from shuanglian.pairings.services import village_pairing_create
    from shuanglian.units.services import unit_create

    unit = unit_create(
        actor=admin_user,
        name=PERSONA_UNIT,
        short_name="县妇联",
        kind="party_government",
        level="county",
        home_region_code=QINAN,
        leader_name="",
        leader_post="",
    )
    village_pairing_create(
        actor=admin_user,
        unit=unit,
        village_code=NUANQUAN,
        role="member",
        start_date=dt.date(2012, 3, 1),
    )
    return unit


@pytest.fixture
def unit_admin(persona_unit):
    """The administrator of 县妇联."""
    return _user("unitadmin", "unit_admin", unit=persona_unit)


@pytest.fixture
def cadre_user(persona_unit, admin_user):
    """马秀英, a cadre of 县妇联, with her account; pair households to her in the test."""
    from shuanglian.units.services import cadre_create

    user = _user("cadre", "cadre")
    cadre = cadre_create(actor=admin_user, unit=persona_unit, name="马秀英", position="干事")
    cadre.user = user
    cadre.save(update_fields=["user"])
    return user


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


# Per module, as before: Playwright's sync API keeps an event loop running while it is open.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page of the live server, in Chinese."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
