"""The app's own Streamlit configuration, which `make run` takes up with no flag of its own."""
from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_no_file_watcher_reimports_the_models_under_a_running_workshop():
    """With the watcher on, a `git pull` beside a running `make run` made the next rerun
    import workshop/models.py again, and every page failed with "Table 'workshop' is already
    defined for this MetaData instance" until a restart."""
    server = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]
    assert server["fileWatcherType"] == "none"
    assert server["runOnSave"] is False
