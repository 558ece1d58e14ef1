"""Spark's Python worker daemon (``pyspark.daemon``) with the modules dataclean's workers need
imported once, before it forks the workers.

Spark starts one daemon per executor and forks a Python worker from it for each task slot; a
worker that stays idle is stopped and a later task forks a fresh one. Each fresh worker used to
import pandas, pyarrow and dataclean's field and linkage modules again (seconds each on a busy
machine); forked from this daemon, it starts with them already imported. dataclean's own
sessions use it (``spark.python.daemon.module``); a caller's session is left as it is.
"""

from __future__ import annotations


def _preload() -> None:
    import contextlib

    with contextlib.suppress(Exception):  # a missing optional module only costs the import later
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401

        import dataclean.fields
        import dataclean.linkage.prepare  # noqa: F401


if __name__ == "__main__":
    _preload()
    from pyspark.daemon import manager

    manager()
