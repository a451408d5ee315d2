"""closeknit's local store (:mod:`analysis.store.store`), how it writes frames
(:mod:`analysis.store.frames`) and the saved analysis (:mod:`analysis.store.snapshot`)."""

from analysis.store.store import (
    ImportOutcome,
    PersonEdit,
    Store,
    add_files,
    default_store_path,
    delete_store,
    interaction_keys,
)

__all__ = [
    "ImportOutcome",
    "PersonEdit",
    "Store",
    "add_files",
    "default_store_path",
    "delete_store",
    "interaction_keys",
]
