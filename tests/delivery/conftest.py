"""Puts the delivery tooling (tools/, ops/) and the policy pack on the import path."""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

for path in (REPO_ROOT, REPO_ROOT / "policy"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
