"""Policies: approval matrix, agent mandates and guardrails as YAML with CEL expressions."""
