"""Test-wide settings.

- Every test gets its own user cache folder (``XDG_CACHE_HOME``), so certctl's state (cache, overdue's
  lock) never lands in the real home folder and no test sees another's cache.
- ``CERTCTL_TEST_NO_FCNTL=1`` runs the suite as on Windows, where there is no ``fcntl``: the module is
  made unimportable here and, through ``tests/nofcntl/sitecustomize.py`` on ``PYTHONPATH``, in every
  certctl process a test starts. ``make test`` runs the locking, merge and overdue tests this way too.
- Hypothesis runs without its per-example deadline: the suite shares two cores with other work, and a
  slow example is not a wrong one (speed is measured in bench/, not in tests).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("certctl", deadline=None)
settings.load_profile("certctl")

NO_FCNTL = os.environ.get("CERTCTL_TEST_NO_FCNTL") == "1"

if NO_FCNTL:
    sys.modules["fcntl"] = None  # type: ignore[assignment]  # "import fcntl" now raises ImportError
    here = str(Path(__file__).parent / "nofcntl")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)


@pytest.fixture(autouse=True)
def _own_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("CERTCTL_STATE_DIR", raising=False)
    monkeypatch.delenv("CERTCTL_CACHE_DIR", raising=False)
    from certctl import state

    state.configure(None)
