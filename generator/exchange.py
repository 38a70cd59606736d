"""Swap two folders in one step: Linux ``renameat2(RENAME_EXCHANGE)`` through ctypes.

Knows nothing of builds; ``exchange_paths`` says False where the platform or the file
system cannot exchange, and the caller falls back to two renames.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import sys
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2
# The call or the flag is not there (old kernel or libc, another OS), or this file system
# cannot exchange (some network and FUSE file systems answer EINVAL).
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _load_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        function = libc.renameat2  # glibc 2.28 and newer, musl 1.2.2 and newer
    except (OSError, AttributeError):
        return None
    int_, path = ctypes.c_int, ctypes.c_char_p
    function.argtypes = [int_, path, int_, path, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def can_exchange() -> bool:
    """Whether this platform has an exchange call at all (a file system may still refuse)."""
    return _renameat2 is not None


def exchange_paths(a: Path, b: Path) -> bool:
    """Exchange ``a`` and ``b`` (both must exist) atomically: every other process sees both
    names before or both after, never one missing. False when it cannot be done here."""
    if _renameat2 is None:
        return False
    if _renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))
