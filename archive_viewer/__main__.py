"""`python -m archive_viewer`: the same as the `archive-viewer` command."""
import sys

from archive_viewer.cli import main

sys.exit(main())
