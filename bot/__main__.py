"""Allow `python -m bot` as a synonym for the `qiao` command."""

from bot.cli import main

raise SystemExit(main())
