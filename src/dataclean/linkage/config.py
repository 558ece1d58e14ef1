"""The linkage configuration (a suite's ``dedupe:`` / ``link:`` block) now lives in
:mod:`dataclean.suite.linkage`, so that suites load without the linkage engine; this path
re-exports it."""

from dataclean.suite.linkage import (  # noqa: F401
    MULTI_ROLES,
    ROLES,
    RULES,
    TRAINING,
    LinkageConfig,
    SurvivorshipRule,
    Training,
)
