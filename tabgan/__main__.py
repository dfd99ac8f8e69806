"""``python -m tabgan``: the same as the ``tabgan`` command."""

import sys

from tabgan.cli import main

sys.exit(main())
