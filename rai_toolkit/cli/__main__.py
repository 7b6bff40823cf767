"""Run the command line with ``python -m rai_toolkit.cli``."""

from rai_toolkit.cli import main

raise SystemExit(main())
