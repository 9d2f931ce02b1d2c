"""Lets `python -m mycli` run the command line."""
import sys

from mycli.cli import main

sys.exit(main())
