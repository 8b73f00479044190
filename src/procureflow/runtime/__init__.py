"""Runtime: the durable interpreter on DBOS, triggers, approvals, monitors."""
