"""Allow `python -m cleanse`."""

import sys

from cleanse.cli import console_main

sys.exit(console_main())
