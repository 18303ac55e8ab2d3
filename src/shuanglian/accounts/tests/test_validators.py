import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from shuanglian.accounts.validators import MinimumLengthValidator


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "密码长度太短。密码必须包含至少 10 个字符。"),
        ("en", "This password is too short. It must contain at least 10 characters."),
    ],
)
def test_too_short_is_refused_in_the_users_language(language, message):
    with override(language), pytest.raises(ValidationError) as err:
        MinimumLengthValidator(min_length=10).validate("Short@123")
    assert err.value.messages == [message]
    MinimumLengthValidator(min_length=10).validate("Shuanglian@2012")
