import sys

from questbot.app.cli import main

sys.exit(main())
