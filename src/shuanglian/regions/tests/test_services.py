from shuanglian.core.models import AuditEvent
from shuanglian.regions.loading import RegionRow
from shuanglian.regions.models import Region
from shuanglian.regions.services import region_load


def test_load_is_an_upsert_that_reports_what_changed(db):
    audits = AuditEvent.objects.filter(action="import", object_type="regions.Region")
    audits_before = audits.count()
    rows = [
        RegionRow("710000000000", "台湾省", "province", None),
        RegionRow("710100000000", "测试市", "city", "710000000000"),
    ]
    first = region_load(actor=None, rows=rows)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    again = region_load(actor=None, rows=rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    renamed = [rows[0], RegionRow("710100000000", "新名市", "city", "710000000000")]
    third = region_load(actor=None, rows=renamed)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Region.objects.get(code="710100000000").name == "新名市"
    # A load that changed nothing leaves no import event.
    assert audits.count() == audits_before + 2
