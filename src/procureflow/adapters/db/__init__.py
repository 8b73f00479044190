"""Relational store: one schema, two dialects (SQLite default, Postgres at scale)."""
