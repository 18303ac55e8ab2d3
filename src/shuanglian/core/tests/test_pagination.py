import pytest

from shuanglian.core.errors import InvalidInput
from shuanglian.core.pagination import CURSOR_INVALID, decode_cursor, encode_cursor


def test_cursor_round_trip():
    assert decode_cursor(encode_cursor(12345)) == 12345


@pytest.mark.parametrize("bad", ["", "!!!", "abc", encode_cursor(1)[:-2] + "@@", "azE6LTU"])
def test_malformed_cursor_is_a_clear_input_error(bad):
    with pytest.raises(InvalidInput) as exc_info:
        decode_cursor(bad)
    assert exc_info.value.message == CURSOR_INVALID
    assert exc_info.value.field == "cursor"
