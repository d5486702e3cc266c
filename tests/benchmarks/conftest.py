"""Puts the repository root first on the path, so ``benchmarks`` is the root's
package and not ``app/backend/benchmarks`` (pytest's pythonpath lists app/backend)."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [ROOT]:
    sys.path.insert(0, ROOT)
loaded = sys.modules.get("benchmarks")
if loaded is not None and ROOT not in str(getattr(loaded, "__path__", "")):
    for name in [n for n in sys.modules if n.split(".")[0] == "benchmarks"]:
        del sys.modules[name]
