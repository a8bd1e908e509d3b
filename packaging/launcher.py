"""Entry script of the frozen builds: the same `main` as the installed `acronis-triage` command."""

import multiprocessing
import sys

from acronis_triage.app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
