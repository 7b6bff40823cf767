"""Run the command line with ``python -m rai_toolkit``."""

from rai_toolkit.cli import main

raise SystemExit(main())
