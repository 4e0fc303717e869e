"""Where letters go once rendered: a folder for printing and posting (the default), or GOV.UK Notify.

Both are idempotent by the letter's effect key: the folder overwrites the same file, and Notify is asked first
whether a letter with that reference was already sent.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from django.conf import settings
from notifications_python_client.notifications import NotificationsAPIClient


class FolderBackend:
    name = "folder"

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder or settings.CASEWORK_LETTERS_DIR)

    def filename(self, letter) -> str:
        digest = hashlib.sha256(letter.effect_key.encode()).hexdigest()[:16]
        flag = "-LARGE-PRINT" if letter.large_print else ""
        return f"{letter.kind}-{digest}{flag}.pdf"

    def send(self, letter) -> str:
        """Write the PDF to the outbox folder (atomically: a printer never sees half a file)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / self.filename(letter)
        partial = target.with_suffix(".part")
        partial.write_bytes(bytes(letter.pdf))
        os.replace(partial, target)
        return str(target)


class NotifyBackend:
    """GOV.UK Notify precompiled letters, configured with CASEWORK_NOTIFY_API_KEY."""

    name = "notify"

    def __init__(self, client=None):
        if client is None:
            client = NotificationsAPIClient(settings.CASEWORK_NOTIFY_API_KEY)
        self.client = client

    def send(self, letter) -> str:
        reference = letter.effect_key[:100]
        sent = self.client.get_all_notifications(template_type="letter", reference=reference)
        if sent.get("notifications"):
            return sent["notifications"][0]["id"]
        response = self.client.send_precompiled_letter_notification(
            reference=reference, pdf_file=io.BytesIO(bytes(letter.pdf))
        )
        return response["id"]


def letter_backend() -> FolderBackend | NotifyBackend:
    if settings.CASEWORK_LETTER_BACKEND == "notify":
        return NotifyBackend()
    return FolderBackend()
