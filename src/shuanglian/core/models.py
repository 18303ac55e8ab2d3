"""Shared model pieces: timestamps, protected personal-data fields, the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core import protected


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdNumberFields(models.Model):
    """An ID number stored encrypted, found through its blind index, shown masked."""

    id_number_cipher = models.BinaryField(null=True, editable=False)
    id_number_index = models.CharField(max_length=40, null=True, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)

    class Meta:
        abstract = True

    def reveal_id_number(self) -> str:
        """Plaintext; callers audit the reveal (only services may call this)."""
        return protected.decrypt(self.id_number_cipher) if self.id_number_cipher else ""


class PhoneFields(models.Model):
    phone_cipher = models.BinaryField(null=True, editable=False)
    phone_index = models.CharField(max_length=40, null=True, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)

    class Meta:
        abstract = True

    def reveal_phone(self) -> str:
        return protected.decrypt(self.phone_cipher) if self.phone_cipher else ""


class PhotoBase(models.Model):
    """A photo as evidence (a visit, a deed, a project): the stored image, without GPS metadata
    unless the uploader kept it, and a thumbnail for lists. Processing is in core.photos.
    """

    image = models.ImageField(_("photo"), upload_to="photos/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="photos/thumbs/%Y/%m/")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    gps_kept = models.BooleanField(_("location kept"), default=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    END = "end", _("end")
    REVEAL = "reveal", _("reveal")
    EXPORT = "export", _("export")
    IMPORT = "import", _("import")
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logout")
    LOCKOUT = "lockout", _("account locked")
    PASSWORD = "password", _("password change")
    PERMISSION = "permission", _("permission change")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("success")
    FAILURE = "failure", _("failure")
    DENIED = "denied", _("denied")


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable

    def delete(self):
        raise AuditImmutable


class AuditImmutable(RuntimeError):
    def __init__(self) -> None:
        super().__init__("audit rows are append-only")


class AuditEvent(models.Model):
    """One row per write, reveal, export and login: who, when, what, which object, what changed.

    Append-only: the model layer refuses updates and deletes.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    # Where the object lives (a village, a unit's home region): what lets a region officer search
    # the trail of their own area.
    region_code = models.CharField(max_length=12, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_username", "action", "at"], name="audit_user_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        # Append-only integrity guard, not business logic: a stored row never changes.
        if not self._state.adding:
            raise AuditImmutable
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable
