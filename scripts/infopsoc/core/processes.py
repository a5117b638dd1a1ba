"""What a process started by the build does to end with the one that started it."""

from __future__ import annotations

import contextlib
import signal


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux for ``sig`` when this process's parent ends, even killed outright (SIGKILL leaves the
    parent no time to stop it); elsewhere, nothing."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG
