"""`python -m boeinghub_dagster intake FILE ...`: the `boeinghub` command."""

import sys

from boeinghub_dagster.cli import main

sys.exit(main())
