"""The `ereje` console script: the engine's commands plus the service's (`web.commands`).

The engine's CLI owns the parser; the service adds its subcommands through `extra`, so
`engine/` never imports Flask.
"""

from __future__ import annotations

import engine.cli.edition_cli
import engine.cli.lint_cli
import web.commands
from engine.cli.cli import main as engine_main


def main(argv: list[str] | None = None) -> int:
    return engine_main(argv, extra=[web.commands.register, engine.cli.edition_cli.register, engine.cli.lint_cli.register])
