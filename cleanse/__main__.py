"""Allow `python -m cleanse`."""

import sys

from cleanse.cli import main

sys.exit(main())
