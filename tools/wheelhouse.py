"""Build an offline install folder (a "wheelhouse"): certctl and every package it needs, as wheels.

    python tools/wheelhouse.py                         # for this computer → wheelhouse/
    python tools/wheelhouse.py --platform win_amd64    # for 64-bit Windows → wheelhouse-win_amd64/
    python tools/wheelhouse.py --platform manylinux2014_aarch64   # ARM Linux (鲲鹏、飞腾 + 麒麟/统信)

Run it on a computer with internet access (and the same Python minor version as the offices, 3.11 unless
--python-version says otherwise), copy the folder to the office computer, then there:

    pip install --no-index --find-links wheelhouse certctl

Nothing is fetched at install time. ``make wheelhouse`` and ``make wheelhouse-windows`` run this script.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", *args]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="build an offline install folder (wheels of certctl and its dependencies)")
    ap.add_argument("--out", type=Path, help="folder to fill (default wheelhouse/, or wheelhouse-PLATFORM/)")
    ap.add_argument("--platform", help="another computer's platform tag: win_amd64, manylinux2014_x86_64, "
                                       "manylinux2014_aarch64 (default: this computer)")
    ap.add_argument("--python-version", default=f"{sys.version_info.major}.{sys.version_info.minor}",
                    help="the office computers' Python, e.g. 3.11 (default: this Python's)")
    a = ap.parse_args(argv)
    out = a.out or ROOT / (f"wheelhouse-{a.platform}" if a.platform else "wheelhouse")
    out.mkdir(parents=True, exist_ok=True)
    if a.platform is None:
        pip("wheel", "--wheel-dir", str(out), str(ROOT))  # certctl and every dependency, built for here
    else:
        pip("wheel", "--no-deps", "--wheel-dir", str(out), str(ROOT))
        wheel = max(out.glob("certctl-*.whl"), key=lambda p: p.stat().st_mtime)
        pip("download", "--dest", str(out), "--only-binary=:all:", "--platform", a.platform,
            "--python-version", a.python_version, str(wheel))
    print(f"offline install folder: {out}\n"
          f"install with: pip install --no-index --find-links {out.name} certctl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
