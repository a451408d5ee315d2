"""Identity resolution: which records are one person (see :mod:`analysis.identity.resolution`)."""

from analysis.identity.resolution import (
    MergeDecisions,
    Resolution,
    resolve,
)

__all__ = ["MergeDecisions", "Resolution", "resolve"]
