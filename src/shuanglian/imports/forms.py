"""The upload form of the import page, and the upload handler that writes the file to disk."""

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.forms import StyledForm
from shuanglian.imports.models import ImportKind, ImportMode
from shuanglian.imports.tasks import max_upload_bytes, new_upload_path

IMPORT_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
FILE_REQUIRED = _("Choose the file to import.")
FILE_TYPE_REFUSED = _("{name} is not a file that can be imported (.xlsx, .xls, .ods or .csv).")
FILE_TOO_LARGE = _("The file is larger than {limit} MB, the most an import accepts.")
FILE_EMPTY = _("The file is empty.")

UPLOAD_FIELD = "file"


def file_problem(name: str, size: int | None):
    """Why an uploaded file cannot be imported, or None; shared by the page and the API."""
    if Path(name or "").suffix.lower() not in IMPORT_SUFFIXES:
        return FILE_TYPE_REFUSED.format(name=name)
    if size is not None and size > max_upload_bytes():
        return FILE_TOO_LARGE.format(limit=max_upload_bytes() // (1024 * 1024))
    if not size:
        return FILE_EMPTY
    return None


class StoredUpload(UploadedFile):
    """An upload already written to its place in the uploads directory."""

    def __init__(self, handle, *, name, content_type, size, charset, stored_path):
        super().__init__(handle, name, content_type, size, charset)
        self.stored_path = stored_path


class ImportUploadHandler(FileUploadHandler):
    """Streams the uploaded file straight into the uploads directory, chunk by chunk.

    Django's own handlers keep small files in memory and spool large ones to /tmp, to be copied
    again; an import may be hundreds of megabytes, so it goes to its final place once, and
    stops being written as soon as it passes the size limit (the rest of the request is read
    and dropped, and the form says why).
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.too_large = False
        self.refused_name = ""
        self.queued = False  # handed to an import job, which removes it when done
        self.handle = None
        self.path = None
        self.size = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != UPLOAD_FIELD or Path(file_name).suffix.lower() not in IMPORT_SUFFIXES:
            # Not an import file: nothing is written; the form refuses it by its name.
            self.handle = None
            self.refused_name = file_name
            return
        self.path = new_upload_path(file_name)
        self.handle = self.path.open("wb")
        self.size = 0

    def receive_data_chunk(self, raw_data, start):
        if self.handle is None:
            return None
        self.size += len(raw_data)
        if self.size > self.limit:
            self.too_large = True
            self.handle.close()
            self.path.unlink(missing_ok=True)
            self.handle = None
            raise SkipFile()
        self.handle.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.handle is None:
            return None
        self.handle.flush()
        self.handle.seek(0)
        return StoredUpload(
            self.handle,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            stored_path=self.path,
        )

    def upload_interrupted(self):
        if self.handle is not None:
            self.handle.close()
            self.path.unlink(missing_ok=True)


class ImportForm(StyledForm):
    # Only the kinds that can be imported today are offered.
    kind = forms.ChoiceField(
        label=pgettext_lazy("import", "kind"),
        choices=ImportKind.choices,
        initial=ImportKind.HOUSEHOLDS,
    )
    mode = forms.ChoiceField(
        label=pgettext_lazy("import", "mode"),
        choices=ImportMode.choices,
        initial=ImportMode.VALID,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        # Emptiness is refused by clean_file, with this app's message.
        allow_empty_file=True,
        help_text=_(".xlsx, .xls, .ods or .csv (UTF-8 or GB18030), at most {limit} MB."),
    )

    def __init__(self, *args, handler: ImportUploadHandler | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = handler
        self.fields["file"].help_text = str(self.fields["file"].help_text).format(
            limit=max_upload_bytes() // (1024 * 1024)
        )
        self.fields["mode"].widget.attrs["class"] = "form-check-input"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.handler is not None and self.handler.too_large:
            raise forms.ValidationError(
                FILE_TOO_LARGE.format(limit=max_upload_bytes() // (1024 * 1024))
            )
        if upload is None:
            name = self.handler.refused_name if self.handler is not None else ""
            raise forms.ValidationError(
                FILE_TYPE_REFUSED.format(name=name) if name else FILE_REQUIRED
            )
        problem = file_problem(upload.name, upload.size)
        if problem:
            raise forms.ValidationError(problem)
        return upload
