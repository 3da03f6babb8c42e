"""What an interrupted upload or restore leaves in the upload folder (a crash, a kill -9 while
a file is written) is removed when the app starts; finished uploads, a file another process is
still writing, and anything that is not ours are kept."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from workshop.uploads import TEMP_PREFIX, PendingUpload, clean_orphans, save_upload

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_orphans_are_removed_and_finished_uploads_kept(tmp_path):
    folder = tmp_path / "uploads"
    finished = save_upload(b"company\nAcme\n", folder)
    other = folder / "notes.txt"
    other.write_text("not ours")
    fresh_orphan = folder / f"{TEMP_PREFIX}fresh"
    old_orphan = folder / f"{TEMP_PREFIX}old"
    for orphan in (fresh_orphan, old_orphan):
        orphan.write_bytes(b"\0" * 1000)
    two_days_ago = time.time() - 2 * 86400
    os.utime(old_orphan, (two_days_ago, two_days_ago))
    with PendingUpload(folder) as writing:  # another process's upload, still being written
        writing.write(b"half")
        assert clean_orphans(folder, older_than=timedelta(hours=1)) == 1
        assert fresh_orphan.exists() and not old_orphan.exists()
        assert clean_orphans(folder) == 1
        assert files_in(folder) == sorted([finished, "notes.txt", writing.path.name])
        assert writing.keep() == hashlib.sha256(b"half").hexdigest()
    assert files_in(folder) == sorted([finished, hashlib.sha256(b"half").hexdigest(),
                                       "notes.txt"])
    assert clean_orphans(tmp_path / "no such folder") == 0


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from workshop.uploads import PendingUpload

pending = PendingUpload(Path(sys.argv[1]))
pending.write(b"\\0" * 1_000_000)
pending.finish()
print(pending.path.name, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_file_left_by_a_writer_killed_mid_write_is_an_orphan(tmp_path):
    folder = tmp_path / "uploads"
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == -9, done.stderr
    left = done.stdout.strip()
    assert left.startswith(TEMP_PREFIX) and files_in(folder) == [left]
    assert clean_orphans(folder) == 1 and files_in(folder) == []


def test_the_app_cleans_orphans_when_it_starts(tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / f"{TEMP_PREFIX}left-by-a-crash").write_bytes(b"\0" * 1000)
    finished = save_upload(b"company\nAcme\n", folder)
    monkeypatch.setenv("UPLOAD_DIR", str(folder))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert files_in(folder) == [finished]
