"""Identity resolution: which records are one person (see :mod:`analysis.identity.resolve`)."""

from analysis.identity.resolve import (
    MergeDecisions,
    Resolution,
    resolve,
)

__all__ = ["MergeDecisions", "Resolution", "resolve"]
