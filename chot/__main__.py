"""`python -m chot` runs the command line."""

import sys

from chot.cli import main

sys.exit(main())
