"""`python -m cli` runs the command line, as the `shipshape` script does."""

import sys

from cli.main import main

sys.exit(main())
