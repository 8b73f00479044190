"""Solver adapters for the domain's solver-neutral models."""
