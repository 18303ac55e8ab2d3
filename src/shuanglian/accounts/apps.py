from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shuanglian.accounts"
    label = "accounts"
