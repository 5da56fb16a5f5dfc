"""`python -m bench.load`: the load figures (see run.py)."""

import sys

from .run import main

sys.exit(main())
