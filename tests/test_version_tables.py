"""The versions page's tables as data: newest first, the latest's status, blanks for a version
signed without figures."""
from __future__ import annotations

from datetime import UTC, datetime

from workshop.definition import Definition
from workshop.version_tables import versions_table
from workshop.versions import VersionInfo


def test_versions_table_newest_first_with_status_and_blanks():
    first = VersionInfo(1, Definition(), datetime(2026, 11, 2, tzinfo=UTC),
                        [{"team": "sales", "name": "Sam"}],
                        datetime(2026, 11, 20, tzinfo=UTC), None)
    second = VersionInfo(2, Definition(), datetime(2026, 11, 21, tzinfo=UTC), [], None, None)
    table = versions_table([first, second])
    assert table["Version"].tolist() == [2, 1]
    assert table["Status"].tolist() == ["current", "reopened 20 Nov 2026"]
    assert table["Qualified per month"].isna().all() and table["Wins caught"].isna().all()
    assert table["Signed"].tolist() == ["21 Nov 2026", "02 Nov 2026"]
