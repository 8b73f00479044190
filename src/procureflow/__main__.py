"""``python -m procureflow`` is the ``procureflow`` command."""

from procureflow.cli import main

main()
