"""``python -m syncer``."""

import sys

from syncer.cli import main

sys.exit(main())
