"""Playbooks: the product's models of the CNCF Serverless Workflow DSL 1.0, loading, validation."""
