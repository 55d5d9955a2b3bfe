"""Print scenario 1 of bench/results/bench.json as the markdown table bench/README.md shows."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(path: Path = HERE / "results" / "bench.json") -> int:
    doc = json.loads(path.read_text())
    m = doc["machine"]
    print(f"{m['cpu']} x{m['nproc']}, Python {m['python']}, {m['date']}, median of {doc['repeat']} runs in turns\n")
    print("| form (100,000 rows) | bare read wall / CPU | validate wall / CPU | ratio wall / CPU | peak bare / validate | memory ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, r in doc["scenarios"].get("validate", {}).items():
        b, v = r["bare_read"], r["certctl"]
        print(f"| {kind} ({r['file_mb']:.1f} MB) | {b['median_s']:.2f} s / {b['cpu_median_s']:.2f} s "
              f"| {v['median_s']:.2f} s / {v['cpu_median_s']:.2f} s | {r['ratio']:.2f}x / {r['cpu_ratio']:.2f}x "
              f"| {b['peak_mb']:.0f} / {v['peak_mb']:.0f} MB | {r['memory_ratio']:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(Path(a) for a in sys.argv[1:])))
