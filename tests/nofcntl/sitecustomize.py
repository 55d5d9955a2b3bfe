"""Loaded by every Python process a test starts when CERTCTL_TEST_NO_FCNTL=1 (see tests/conftest.py):
``import fcntl`` fails, as on Windows."""

import os
import sys

if os.environ.get("CERTCTL_TEST_NO_FCNTL") == "1":
    sys.modules["fcntl"] = None  # type: ignore[assignment]
