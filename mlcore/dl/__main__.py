"""``python -m mlcore.dl ACTION ...``: `podium baseline` without the rest of the podium CLI."""

import sys

from .cli import main

sys.exit(main())
