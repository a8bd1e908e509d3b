import sys

from acronis_triage.app.cli import main

sys.exit(main())
