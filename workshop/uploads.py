"""Uploaded exports on disk, named by their SHA-256: the same file is stored once, and a
restart or another browser session reads the very same bytes again.

A file is written under a temporary name first and renamed once complete, so a crash never
leaves half a file under a hash. The writer holds a lock on its temporary file until then:
what a crash leaves behind is unlocked, and `clean_orphans` removes it when the app starts,
without touching a file another app process is still writing.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from workshop.settings import upload_dir

try:
    import fcntl
except ImportError:  # no advisory locks here: orphans are recognised by their age alone
    fcntl = None

_SHA = re.compile(r"^[0-9a-f]{64}$")
TEMP_PREFIX = ".upload-"
# Without locks (another system, or a file system that has none) a temporary file is only
# taken for an orphan once no upload or restore could still be writing it.
UNLOCKED_ORPHAN_AGE = timedelta(hours=1)
NOT_HERE = "The uploaded file is no longer on this server; please upload the export again."


class PendingUpload:
    """An upload being written: its bytes go to a locked temporary file beside the finished
    ones, and only `keep` gives it its name. Leaving the `with` block without `keep` removes
    it, whatever went wrong."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or upload_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path, self._file = _locked_temporary(self.folder)
        self._hash = hashlib.sha256()
        self.size = 0
        self.sha256 = ""

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def finish(self) -> str:
        """Every byte is written (still under the temporary name); its hash."""
        if not self.sha256:
            self._file.flush()
            self.sha256 = self._hash.hexdigest()
        return self.sha256

    def keep(self) -> str:
        """The file under its hash (atomic: readers see all of it or nothing); its hash."""
        sha = self.finish()
        target = self.folder / sha
        if target.exists():  # the same bytes are there already
            self.discard()
        else:
            os.replace(self.path, target)
            self._file.close()  # the lock goes with it, once the name is no longer temporary
        return sha

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> PendingUpload:
        return self

    def __exit__(self, *exc) -> None:
        if not self._file.closed:
            self.discard()


def save_upload(data: bytes, folder: Path | None = None) -> str:
    folder = folder or upload_dir()
    sha = hashlib.sha256(data).hexdigest()
    if not (folder / sha).exists():
        with PendingUpload(folder) as pending:
            pending.write(data)
            pending.keep()
    return sha


def load_upload(sha: str, folder: Path | None = None) -> bytes:
    if not sha:  # restored from a backup that did not hold the file (`workshop.backup`)
        raise FileNotFoundError(NOT_HERE)
    if not _SHA.match(sha):
        raise ValueError("Not an upload reference.")
    path = (folder or upload_dir()) / sha
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(NOT_HERE) from None


def _locked_temporary(folder: Path):
    """A new temporary file, locked by this process. A cleanup that took it for an orphan in
    the instant between its creation and the lock has removed it: then another is made."""
    while True:
        handle, name = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX)
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            except OSError:
                pass  # a file system without locks: the cleanup goes by age there
        try:
            still_there = os.stat(name).st_ino == os.fstat(handle).st_ino
        except FileNotFoundError:
            still_there = False
        if still_there:
            return Path(name), os.fdopen(handle, "wb")
        os.close(handle)


def clean_orphans(folder: Path | None = None,
                  older_than: timedelta = timedelta(0)) -> int:
    """Remove the temporary files an interrupted upload or restore left in the upload folder
    (a crash, a kill -9): those no running process holds locked, and older than `older_than`.
    Finished uploads (named by their hash) are never touched. Returns how many went."""
    folder = folder or upload_dir()
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]
    except OSError:  # no folder yet (nothing uploaded), or not one this process may read
        return 0
    return sum(_remove_if_orphan(path, older_than) for path in candidates)


def _remove_if_orphan(path: Path, older_than: timedelta) -> bool:
    """Removed while holding its lock, so no writer can take it up in between."""
    try:
        probe = open(path, "rb")
    except OSError:
        return False  # finished or removed meanwhile, or not ours to remove
    with probe:
        age = timedelta(seconds=time.time() - os.fstat(probe.fileno()).st_mtime)
        if fcntl is None:
            unlocked = False
        else:
            try:
                fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                unlocked = True
            except BlockingIOError:
                return False  # a running upload or restore is writing it
            except OSError:
                unlocked = False
        limit = older_than if unlocked else max(older_than, UNLOCKED_ORPHAN_AGE)
        if age < limit:
            return False
        try:
            path.unlink()
        except OSError:
            return False  # removed meanwhile, or not ours to remove
        return True
