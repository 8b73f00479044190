"""Adapters: the only layer that imports SQLAlchemy, HTTP clients or mail libraries."""
