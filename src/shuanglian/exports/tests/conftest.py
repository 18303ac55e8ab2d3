import csv
import io

import pytest
from python_calamine import CalamineWorkbook

from shuanglian.conftest import NUANQUAN
from shuanglian.exports import services
from shuanglian.households.tests import factories as hf

LONGCHENG_VILLAGE = "620522103200"  # 常营村, 陇城镇


@pytest.fixture(autouse=True)
def export_files(monkeypatch, tmp_path):
    """Background exports write under a temporary directory, not the project's var/.

    Not through the `settings` fixture: undoing it would also undo the MEDIA_ROOT the
    permission-matrix extensions move for the whole session.
    """
    directory = tmp_path / "exports"
    monkeypatch.setattr(services, "export_dir", lambda: directory)
    return directory


@pytest.fixture
def registry(admin_user):
    """Two households of 暖泉村 (郭嘉镇), one of 常营村 (陇城镇), each with a phone and a member."""
    guojia = hf.household(
        actor=admin_user, village=NUANQUAN, head_name="孙旺奎", phone="13812345678"
    )
    guojia2 = hf.household(
        actor=admin_user, village=NUANQUAN, head_name="邵维基", category="general"
    )
    longcheng = hf.household(
        actor=admin_user, village=LONGCHENG_VILLAGE, head_name="张三", phone="13812345679"
    )
    id_number = hf.id_number()
    member = hf.member(actor=admin_user, household=guojia, name="李秀英", id_number=id_number)
    return {
        "guojia": guojia,
        "guojia2": guojia2,
        "longcheng": longcheng,
        "member": member,
        "id_number": id_number,
    }


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_sheets(data: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def response_bytes(response) -> bytes:
    return b"".join(response.streaming_content)
