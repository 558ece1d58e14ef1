"""Keep glibc from handing numpy's large temporaries back to the OS after every call.

Column work on a million rows makes many numpy temporaries of a few megabytes (masks, indices,
byte matrices), allocated by the C library's ``malloc``. glibc serves a block above its *mmap
threshold* with a fresh ``mmap`` and gives memory at the top of its heap back to the OS once more
than its *trim threshold* is free; both start small (128 KiB) and glibc raises them itself, to
the size of the largest ``mmap``-ed block freed so far (at most 32 MiB; trim threshold twice
that). A pandas 2 process frees such blocks early (object and numpy columns), so its thresholds
are soon high. A process whose columns are Arrow-backed (pandas 3's default strings, whose
buffers come from Arrow's own allocator) may never free one, so glibc keeps unmapping and
mapping the temporaries, and each of their pages costs a page fault on every call: about 25,000
faults per standardised million-row address column here, against 5,000 once primed.

:func:`prime` does once what glibc's own rule would do after one large free: it allocates and
frees one block just under 32 MiB, so later temporaries up to that size come from the heap and
up to 64 MiB of freed memory per malloc arena is kept for the next call instead of being faulted
in again. Nothing happens on other C libraries, when the thresholds were set by the
``MALLOC_*_`` environment variables (glibc then leaves them alone), or with
``DATACLEAN_MALLOC_PRIME=0``.
"""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)

#: Just under glibc's largest dynamic mmap threshold on 64-bit builds (32 MiB, its
#: ``DEFAULT_MMAP_THRESHOLD_MAX``): a block this size raises the thresholds as far as they go.
BLOCK_BYTES = 32 * 1024 * 1024 - 64 * 1024

_lock = threading.Lock()
_done = False


def is_glibc() -> bool:
    """Whether this process runs on glibc (``os.confstr``: no file is read)."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):
        return False


def prime() -> bool:
    """Raise glibc's dynamic mmap and trim thresholds once per process (see the module's
    docstring); True the one time it did so. Cheap after the first call, safe from threads."""
    global _done
    if _done:
        return False
    with _lock:
        if _done:
            return False
        _done = True
        if os.environ.get("DATACLEAN_MALLOC_PRIME", "").strip() == "0" or not is_glibc():
            return False
        import numpy as np

        # never written to, so never faulted in: malloc maps it and free unmaps it, raising the
        # thresholds to its size
        block = np.empty(BLOCK_BYTES, dtype=np.uint8)
        del block
        log.debug("raised glibc's malloc thresholds with one %d-byte block", BLOCK_BYTES)
        return True
