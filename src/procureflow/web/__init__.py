"""Live dashboard: server-rendered pages, own JavaScript, server-sent events."""
