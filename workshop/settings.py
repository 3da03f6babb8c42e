"""Settings from the environment, with embedded defaults so `make run` needs nothing prepared."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'workshop.db'}"


def public_url(environ: dict[str, str] | None = None) -> str:
    """PUBLIC_URL, e.g. https://leads.example.com, when the app sits behind a proxy; links are
    otherwise built from the address the browser used."""
    env = os.environ if environ is None else environ
    return (env.get("PUBLIC_URL") or "").strip().rstrip("/")


def upload_dir(environ: dict[str, str] | None = None) -> Path:
    """Where uploaded exports are kept (by content hash), so a restart can read them again."""
    env = os.environ if environ is None else environ
    configured = (env.get("UPLOAD_DIR") or "").strip()
    return Path(configured) if configured else DATA_DIR / "uploads"


def database_url(environ: dict[str, str] | None = None) -> str:
    """DATABASE_URL normalised for SQLAlchemy; Heroku-style postgres:// URLs are accepted too."""
    env = os.environ if environ is None else environ
    url = (env.get("DATABASE_URL") or "").strip() or DEFAULT_DATABASE_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
