"""Imported first by these tests: puts the repository root at the front of the path.

pytest's ``pythonpath`` lists app/backend, which holds a ``benchmarks`` package of
its own; the benchmarks tested here are the root's.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [ROOT]:
    sys.path.insert(0, ROOT)
_loaded = sys.modules.get("benchmarks")
if _loaded is not None and ROOT not in str(getattr(_loaded, "__path__", "")):
    for _name in [name for name in sys.modules if name.split(".")[0] == "benchmarks"]:
        del sys.modules[_name]
