"""Run a command with its stderr on a pseudo-terminal, as a person at a terminal would see it."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def stderr_on_terminal(command: list[str], *, env: dict[str, str] | None = None, timeout: float = 60) -> bytes:
    """The bytes ``command`` writes to stderr when stderr is a terminal (120 columns)."""
    leader, follower = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env = {**base, "TERM": "xterm-256color", "COLUMNS": "120", **(env or {})}
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, cwd=ROOT, env=full_env)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=timeout)
    os.close(leader)
    assert proc.returncode == 0, seen
    return seen
