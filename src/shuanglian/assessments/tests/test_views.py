import io

import pytest
from django.utils.translation import gettext_lazy
from python_calamine import CalamineWorkbook

from shuanglian.assessments import services
from shuanglian.assessments.models import Rule, Scheme, Score, UnitResult
from shuanglian.assessments.tests import factories
from shuanglian.conftest import GUOJIA, LONGCHENG
from shuanglian.regions.tests.pages import assert_login_redirect, assert_same_404, text, zh

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(work):
    made = factories.scheme(actor=work.admin)
    services.scheme_compute(actor=work.admin, scheme=made)
    return made


def test_anonymous_goes_to_login(client):
    assert_login_redirect(client.get("/assessments/"))


def test_county_officer_creates_computes_adjusts_freezes_publishes(login, county_officer, work):
    client = login(county_officer)
    response = client.post(
        "/assessments/new/",
        {
            "name": "郭嘉镇2012年度考核",
            "region": GUOJIA,
            "period_start": "2012-01-01",
            "period_end": "2012-12-31",
        },
    )
    assert response.status_code == 302
    scheme = Scheme.objects.get(name="郭嘉镇2012年度考核")
    assert scheme.indicators.count() == len(services.DEFAULT_INDICATORS)
    assert client.post(f"/assessments/{scheme.pk}/compute/").status_code == 302
    result = UnitResult.objects.get(scheme=scheme, unit=work.unit_b)
    response = client.post(
        f"/assessments/results/{result.pk}/adjust/",
        {"points": "3", "reason": "创建文明村成效显著", "document": factories.pdf_upload()},
    )
    assert response.status_code == 302
    page = text(client.get(f"/assessments/results/{result.pk}/"))
    assert "创建文明村成效显著" in page and "+3" in page
    assert client.post(f"/assessments/{scheme.pk}/freeze/").status_code == 302
    response = client.post(f"/assessments/{scheme.pk}/compute/")
    assert response.status_code == 409
    assert zh(services.SCHEME_NOT_DRAFT) in text(response)
    response = client.post(
        f"/assessments/results/{result.pk}/adjust/", {"points": "1", "reason": "x"}
    )
    assert response.status_code == 409
    assert client.post(f"/assessments/{scheme.pk}/publish/").status_code == 302
    scheme.refresh_from_db()
    assert scheme.status == "published"


def test_bad_input_names_the_field(login, county_officer, scheme):
    client = login(county_officer)
    response = client.post(
        "/assessments/new/",
        {"name": "x", "region": "62052210420", "period_start": "2012-01-01", "period_end": ""},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"region", "period_end"}
    indicator = scheme.indicators.get(rule=Rule.VISITS)
    response = client.post(
        f"/assessments/indicators/{indicator.pk}/edit/", {"weight": "0", "target": "3"}
    )
    assert response.status_code == 400
    assert zh(services.INDICATOR_WEIGHT_INVALID) in text(response)
    response = client.post(
        f"/assessments/indicators/{indicator.pk}/edit/",
        {"weight": "5", "target": "1", "floor": "2"},
    )
    assert zh(services.INDICATOR_TARGET_BELOW) in text(response)


def test_town_officer_reads_but_may_not_change(login, town_officer, scheme):
    client = login(town_officer)
    assert client.get(f"/assessments/{scheme.pk}/").status_code == 200
    assert client.get(f"/assessments/{scheme.pk}/edit/").status_code == 403
    assert client.post(f"/assessments/{scheme.pk}/compute/").status_code == 403
    assert client.get("/assessments/new/").status_code == 403


def test_unit_admin_sees_only_published_and_own_unit(login, unit_admin, work, scheme):
    client = login(unit_admin)
    assert_same_404(client, f"/assessments/{scheme.pk}/", "/assessments/999999/")
    services.scheme_freeze(actor=work.admin, scheme=scheme)
    services.scheme_publish(actor=work.admin, scheme=scheme)
    assert client.get(f"/assessments/{scheme.pk}/").status_code == 200
    ranking = text(client.get(f"/assessments/{scheme.pk}/ranking/"))
    assert "县委宣传部" in ranking and "县文明办" in ranking
    own = scheme.results.get(unit=unit_admin.unit)
    other = scheme.results.get(unit=work.unit_a)
    assert client.get(f"/assessments/results/{own.pk}/").status_code == 200
    assert_same_404(client, f"/assessments/results/{other.pk}/", "/assessments/results/999999/")
    other_score = other.scores.first()
    assert client.get(f"/assessments/scores/{other_score.pk}/").status_code == 404


def test_cadre_sees_nothing(login, cadre_user, work, scheme):
    client = login(cadre_user)
    assert "郭嘉镇" not in text(client.get("/assessments/"))
    assert client.get(f"/assessments/{scheme.pk}/").status_code == 404
    assert client.get(f"/assessments/{scheme.pk}/ranking/").status_code == 404


def test_evidence_page_lists_the_records(login, admin_user, work, scheme):
    client = login(admin_user)
    found = Score.objects.get(scheme=scheme, result__unit=work.unit_a, indicator__rule="visits")
    page = text(client.get(f"/assessments/scores/{found.pk}/"))
    assert page.count("孙旺奎（") == 3 and page.count("邵维基（") == 1


def test_ranking_pages_and_xlsx(login, viewer, work, scheme, django_assert_max_num_queries):
    client = login(viewer)
    with django_assert_max_num_queries(12):
        response = client.get(f"/assessments/{scheme.pk}/ranking/")
    assert response.status_code == 200
    # The ranking's own words, not the units' 职级 (a cadre's rank) or the plain 合计.
    assert ">名次</th>" in text(response) and ">总分</th>" in text(response)
    indicator = scheme.indicators.get(rule=Rule.VISITS)
    by_indicator = client.get(f"/assessments/{scheme.pk}/ranking/", {"indicator": indicator.pk})
    assert [row["rank"] for row in by_indicator.context["rows"]] == [1, 1]
    assert client.get(f"/assessments/{scheme.pk}/ranking/", {"indicator": "x"}).status_code == 400
    assert "window.print()" in text(client.get(f"/assessments/{scheme.pk}/ranking/print/"))
    response = client.get(f"/assessments/{scheme.pk}/ranking.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[4][1] == "县委宣传部" and rows[4][0] == 1.0
    assert rows[5][1] == "县文明办"


def test_list_and_result_query_budget(
    login, county_officer, work, scheme, django_assert_max_num_queries
):
    client = login(county_officer)
    for index in range(5):
        factories.scheme(actor=work.admin, name=f"考核{index}")
    with django_assert_max_num_queries(8):
        assert client.get("/assessments/").status_code == 200
    result = scheme.results.get(unit=work.unit_a)
    with django_assert_max_num_queries(12):
        assert client.get(f"/assessments/results/{result.pk}/").status_code == 200
    found = result.scores.first()
    with django_assert_max_num_queries(12):
        assert client.get(f"/assessments/scores/{found.pk}/").status_code == 200


def test_moving_a_computed_scheme_shows_no_stale_scores_in_the_new_region(
    login, admin_user, other_town_officer, work, scheme
):
    services.scheme_update(
        actor=admin_user,
        scheme=scheme,
        name=scheme.name,
        region_code=LONGCHENG,
        period_start=scheme.period_start,
        period_end=scheme.period_end,
    )
    client = login(other_town_officer)
    page = text(client.get(f"/assessments/{scheme.pk}/ranking/"))
    assert "县委宣传部" not in page and "县文明办" not in page
    assert zh(gettext_lazy("No scores yet: compute the scores first.")) in page
    assert client.get(f"/api/v1/assessments/{scheme.pk}/ranking").json() == []
    detail = text(login(admin_user).get(f"/assessments/{scheme.pk}/"))
    assert f"/assessments/{scheme.pk}/freeze/" not in detail
