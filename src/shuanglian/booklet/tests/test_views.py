"""The household booklet: every section on the page with masked ID numbers, the audited reveal,
the audited .docx download (opened with python-docx), scope."""

import datetime as dt
import io

import pytest

from shuanglian.assistance import services as assistance
from shuanglian.assistance.tests import factories as af
from shuanglian.booklet.sections import SECTIONS
from shuanglian.conftest import NUANQUAN
from shuanglian.core.models import AuditAction, AuditEvent, AuditOutcome
from shuanglian.core.services import REVEAL_NOT_ALLOWED, REVEAL_REASON_MIN, REVEAL_REASON_REQUIRED
from shuanglian.households import services as households
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.ratings.tests import factories as rf
from shuanglian.regions.tests.pages import assert_same_404, text, zh

pytestmark = pytest.mark.django_db

SECTION_IDS = (
    "household",
    "members",
    "causes",
    "cadres",
    "plan",
    "incomes",
    "visits",
    "deeds",
    "lifecycle",
    "ratings",
)
# What the fixture recorded, one piece per section (incomes: 8000 yuan for two people).
EXPECTED = (
    "孙旺奎",
    "李秀英",
    "马秀英",
    "栽植矮化苹果 5 亩",
    "发展苹果种植",
    "4000.00",
    "了解苹果园管护情况",
    "赠送化肥 10 袋",
    "孝老爱亲",
    "村民代表会议全票通过",
)


@pytest.fixture
def book(admin_user, cadre_user, unit_admin, persona_unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    head_id = hf.id_number(birth=dt.date(1968, 5, 4))
    spouse_id = hf.id_number(birth=dt.date(1970, 2, 1), male=False)
    household = hf.household(
        actor=admin_user,
        village=NUANQUAN,
        head_name="孙旺奎",
        head_id=head_id,
        poverty_cause_main="illness",
    )
    hf.member(actor=admin_user, household=household, name="李秀英", id_number=spouse_id)
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre_user.cadre)
    plan = af.plan(actor=admin_user, household=household, year=2012, goals="发展苹果种植，两年脱贫")
    af.measure(actor=admin_user, plan=plan, description="栽植矮化苹果 5 亩")
    households.income_record_save(
        actor=admin_user, household=household, year=2012, wage_income=8000, population=2
    )
    af.visit(actor=cadre_user, household=household, discussion="了解苹果园管护情况")
    voided = af.visit(actor=cadre_user, household=household, discussion="误录的走访")
    assistance.visit_void(actor=admin_user, visit=voided, reason="重复录入")
    af.deed(actor=unit_admin, unit=persona_unit, village=household.village,
            households=[household], description="赠送化肥 10 袋")  # fmt: skip
    wrong = af.deed(actor=unit_admin, unit=persona_unit, village=household.village,
                    households=[household], description="作废的实事")  # fmt: skip
    assistance.deed_void(actor=admin_user, deed=wrong, reason="录错户")
    rf.stars(actor=admin_user)
    rf.rating(actor=admin_user, household=household, year=2012, names=["爱国守法", "孝老爱亲"],
              note="村民代表会议全票通过")  # fmt: skip
    return {"household": household, "head_id": head_id, "spouse_id": spouse_id}


def test_booklet_has_every_section_with_masked_ids(book, cadre_user, login):
    household = book["household"]
    page = text(login(cadre_user).get(f"/booklet/households/{household.pk}/"))
    for key in SECTION_IDS:
        assert f'id="booklet-{key}"' in page, key
    assert len(SECTIONS) == len(SECTION_IDS)
    for expected in EXPECTED:
        assert expected in page, expected
    assert "误录的走访" not in page and "作废的实事" not in page
    assert book["head_id"] not in page and book["spouse_id"] not in page
    assert book["head_id"][:6] + "********" in page
    assert "page-break-before: always" in page and "size: A4" in page
    # A cadre has no reveal permission: no reveal button.
    assert "/reveal/" not in page


def test_reveal_unmasks_the_booklet_and_writes_one_audit_row(book, admin_user, login):
    household = book["household"]
    client = login(admin_user)
    url = f"/booklet/households/{household.pk}/reveal/"
    short = client.post(url, {"reason": "核"})
    assert short.status_code == 400
    assert zh(REVEAL_REASON_REQUIRED, min=REVEAL_REASON_MIN) in text(short)
    response = client.post(url, {"reason": "打印扶贫手册存档"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = text(response)
    assert book["head_id"] in page and book["spouse_id"] in page
    events = AuditEvent.objects.filter(action=AuditAction.REVEAL)
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(household.pk)
    assert event.changes["reason"] == "打印扶贫手册存档"
    assert event.changes["members"] == 2
    assert event.region_code == NUANQUAN
    assert book["head_id"] not in str(event.changes)


def test_reveal_without_the_permission_is_refused_and_audited(book, town_officer, login):
    client = login(town_officer)
    url = f"/booklet/households/{book['household'].pk}/reveal/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"reason": "想看看"})
    assert response.status_code == 403
    assert zh(REVEAL_NOT_ALLOWED) in text(response)
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert event.outcome == AuditOutcome.DENIED
    assert book["head_id"] not in text(response)


def test_docx_download_holds_the_sections_and_is_audited_as_an_export(book, town_officer, login):
    from docx import Document

    household = book["household"]
    response = login(town_officer).get(f"/booklet/households/{household.pk}/booklet.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'booklet-{household.number}.docx"')
    document = Document(io.BytesIO(response.content))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for heading in ("家庭成员", "帮扶计划和措施", "走访", "星级评定"):
        assert heading in body, heading
    for expected in ("李秀英", "栽植矮化苹果 5 亩", "赠送化肥 10 袋", "孝老爱亲"):
        assert expected in cells, expected
    assert "误录的走访" not in cells
    assert book["head_id"] not in body + cells
    assert book["head_id"][:6] + "********" in cells
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_id == str(household.pk)
    assert event.changes["format"] == "docx"


def test_out_of_scope_booklet_is_the_same_404(book, other_town_officer, login):
    client = login(other_town_officer)
    pk = book["household"].pk
    for suffix in ("", "booklet.docx"):
        assert_same_404(
            client, f"/booklet/households/{pk}/{suffix}", f"/booklet/households/999999/{suffix}"
        )
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_booklet_query_count_is_bounded(book, admin_user, login, django_assert_max_num_queries):
    client = login(admin_user)
    with django_assert_max_num_queries(25):
        response = client.get(f"/booklet/households/{book['household'].pk}/")
    assert response.status_code == 200


def test_lifecycle_history_is_a_section(admin_user, town_officer, login):
    from shuanglian.lifecycle.models import Step
    from shuanglian.lifecycle.tests import factories as lf

    # A household applying to be identified as poor: village deliberation done, notice next.
    household = hf.household(actor=admin_user, village=NUANQUAN, category="general")
    procedure = lf.identification(actor=admin_user, household=household)
    lf.advance(admin_user, procedure, until=Step.FIRST_NOTICE)
    page = text(login(town_officer).get(f"/booklet/households/{household.pk}/"))
    section = page.split('id="booklet-lifecycle"')[1].split("</section>")[0]
    assert zh(Step.APPLICATION.label) in section
    assert zh(Step.DELIBERATION.label) in section
    assert zh(Step.FIRST_NOTICE.label) not in section
