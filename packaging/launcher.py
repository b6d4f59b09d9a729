"""Entry point of the frozen app (build_installer.spec): the same main() as `engagement-desk`."""

import sys

from engagement_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
