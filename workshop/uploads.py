"""Uploaded exports on disk, named by their SHA-256: the same file is stored once, and a
restart or another browser session reads the very same bytes again."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from workshop.settings import upload_dir

_SHA = re.compile(r"^[0-9a-f]{64}$")


def save_upload(data: bytes, folder: Path | None = None) -> str:
    folder = folder or upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(data).hexdigest()
    target = folder / sha
    if not target.exists():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)  # atomic: a crash never leaves half a file under the name
    return sha


def load_upload(sha: str, folder: Path | None = None) -> bytes:
    if not _SHA.match(sha or ""):
        raise ValueError("Not an upload reference.")
    path = (folder or upload_dir()) / sha
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError("The uploaded file is no longer on this server; "
                                "please upload the export again.") from None
