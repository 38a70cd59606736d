"""Swap two folders in one step: Linux ``renameat2(RENAME_EXCHANGE)`` through ctypes.

Knows nothing of builds; ``exchange_paths`` says False where the platform or the file
system cannot exchange, and the caller falls back to two renames.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2
# The call or the flag is not there (old kernel or libc, another OS), or this file system
# cannot exchange (some network and FUSE file systems answer EINVAL).
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


@functools.cache
def _renameat2():
    """libc's renameat2, loaded on first use (not at import: most builds publish nothing)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here: importing it costs a no-op build tens of ms

    try:
        # the symbols already loaded into Python: libc is among them (no ldconfig to run)
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28+, musl 1.2.2+
    except (OSError, AttributeError):
        return None
    int_, path = ctypes.c_int, ctypes.c_char_p
    function.argtypes = [int_, path, int_, path, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def can_exchange() -> bool:
    """Whether this platform has an exchange call at all (a file system may still refuse)."""
    return _renameat2() is not None


def _errno() -> int:
    import ctypes

    return ctypes.get_errno()


def exchange_paths(a: Path, b: Path) -> bool:
    """Exchange ``a`` and ``b`` (both must exist) atomically: every other process sees both
    names before or both after, never one missing. False when it cannot be done here."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = _errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))
