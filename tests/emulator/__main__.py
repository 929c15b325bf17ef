"""`python -m emulator` (from tests/) runs the emulator like run.py."""

import sys

from .run import main

sys.exit(main())
