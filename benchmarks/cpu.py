"""CPU time spent by this process and by the PostgreSQL server's processes, read from /proc:
what an event costs the machine as a whole, and so how far more processes can take it on
this machine's cores. Where /proc cannot be read the server's share is None."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


def server_seconds(command: str = "postgres") -> float | None:
    """User and system CPU seconds of every live process named ``command``."""
    try:
        entries = list(PROC.iterdir())
    except OSError:
        return None
    ticks = 0
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        name, _, rest = stat.partition(" (")[2].rpartition(") ")
        if name != command:
            continue
        fields = rest.split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuReading:
    own: float
    server: float | None
    wall: float

    @staticmethod
    def now() -> CpuReading:
        return CpuReading(time.process_time(), server_seconds(), time.perf_counter())

    def since(self, earlier: CpuReading) -> CpuReading:
        server = (None if self.server is None or earlier.server is None
                  else self.server - earlier.server)
        return CpuReading(self.own - earlier.own, server, self.wall - earlier.wall)


def cores() -> int:
    return len(os.sched_getaffinity(0))
