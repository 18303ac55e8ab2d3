from shuanglian.core import protected


def test_encrypt_round_trip_and_random_nonce():
    first = protected.encrypt("620522199001010014")
    second = protected.encrypt("620522199001010014")
    assert first != second
    assert b"620522199001010014" not in first
    assert protected.decrypt(first) == protected.decrypt(second) == "620522199001010014"


def test_blind_index_is_deterministic_and_kind_separated():
    assert protected.blind_index("id", "x1") == protected.blind_index("id", "x1")
    assert protected.blind_index("id", "13812345678") != protected.blind_index(
        "phone", "13812345678"
    )
    assert "13812345678" not in protected.blind_index("phone", "13812345678")


def test_blind_index_depends_on_the_key(settings):
    before = protected.blind_index("id", "x1")
    settings.FIELD_KEY = "A" * 43 + "="
    assert protected.blind_index("id", "x1") != before
