"""Sampling a backend instance with py-spy while the load runs.

py-spy writes collapsed stacks ("frame;frame;frame count" per line); the summary
names the functions where the samples fell (self) and those they passed through
(inclusive), as shares of all samples taken while the process was busy.
"""

import logging
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SAMPLES_PER_SECOND = 50
TOP_FUNCTIONS = 15
# "name (path/to/file.py:123)" -> "name (file.py)": lines of one function merge.
FRAME = re.compile(r"^(?P<name>.*?) \((?P<path>[^():]+)(?::\d+)?\)$")


def py_spy() -> str | None:
    """The py-spy executable beside this interpreter, or on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


@dataclass
class Profiler:
    """A running ``py-spy record`` attached to one process."""

    process: subprocess.Popen[bytes] | None
    output: Path

    @classmethod
    def start(cls, pid: int, work_dir: Path, seconds: float) -> "Profiler":
        """Sample ``pid`` for ``seconds``; without py-spy, record nothing."""
        output = work_dir / f"profile-{pid}.txt"
        executable = py_spy()
        if executable is None:
            log.warning("py-spy is not installed: no profile")
            return cls(None, output)
        command = [executable, "record", "--pid", str(pid), "--format", "raw"]
        command += ["--rate", str(SAMPLES_PER_SECOND), "--nonblocking"]
        command += ["--duration", str(max(1, int(seconds))), "--output", str(output)]
        process = subprocess.Popen(  # noqa: S603 (fixed program and arguments)
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        return cls(process, output)

    def finish(self) -> dict[str, Any] | None:
        """Wait for py-spy and summarise its samples."""
        if self.process is None:
            return None
        _, errors = self.process.communicate(timeout=60)
        if self.process.returncode != 0 or not self.output.exists():
            log.warning("py-spy failed: %s", errors.decode(errors="replace")[-500:])
            return None
        return summarise(self.output.read_text().splitlines())


def _frame_name(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    return f"{match['name']} ({Path(match['path']).name})"


def summarise(lines: list[str]) -> dict[str, Any]:
    """Self and inclusive shares per function from collapsed stack lines."""
    own: Counter[str] = Counter()
    through: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        # The first entry names the thread, not a frame.
        frames = [_frame_name(frame) for frame in stack.split(";")[1:]]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for name in set(frames):
            through[name] += count

    def shares(counter: Counter[str]) -> list[dict[str, Any]]:
        return [
            {"function": name, "percent": round(100 * count / total, 1)}
            for name, count in counter.most_common(TOP_FUNCTIONS)
        ]

    return {"samples": total, "self": shares(own), "inclusive": shares(through)}
