"""Storage: the only package that speaks SQL. Services call its repositories."""

from storage.db import Database, Migration, bundled_migrations

__all__ = ["Database", "Migration", "bundled_migrations"]
