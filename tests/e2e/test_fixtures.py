"""The PostgreSQL fixture: skipped on a developer's machine without PostgreSQL, failed on CI."""

from __future__ import annotations

import pytest

from tests.e2e import conftest


def test_missing_postgres_is_skipped_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "_postgres_bin", lambda: None)
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        conftest.postgres_binaries()


def test_missing_postgres_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "_postgres_bin", lambda: None)
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is not installed"):
        conftest.postgres_binaries()
