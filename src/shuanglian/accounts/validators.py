"""Password rules whose refusals Django does not put in Chinese by itself."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule, with a message that has a Chinese translation.

    Django 5.2 words the refusal with a new text ("%d characters") that its zh_Hans catalogue
    does not have yet, so Chinese users would read it in English.
    """

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
