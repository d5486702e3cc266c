"""CPU time and memory of processes, read from /proc (Linux only)."""

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Usage:
    """CPU seconds used so far and resident memory of a group of processes."""

    cpu_seconds: float
    rss_bytes: int


def children(pid: int) -> list[int]:
    """Every descendant of ``pid``."""
    found: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                listed = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, listed):
                found.append(child)
                pending.append(child)
    return found


def usage(pids: list[int]) -> Usage:
    """Summed CPU seconds (user + system) and resident memory of ``pids``.

    Processes that have gone away count as zero.
    """
    ticks = 0
    pages = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            statm = Path(f"/proc/{pid}/statm").read_text()
        except OSError:
            continue
        # The command name may hold spaces: fields are counted after its ")".
        fields = stat.rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
        pages += int(statm.split()[1])
    return Usage(ticks / CLOCK_TICKS_PER_SECOND, pages * PAGE_BYTES)


def load_average() -> tuple[float, float, float]:
    """The machine's 1, 5 and 15 minute load averages."""
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)
