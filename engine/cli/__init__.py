"""The `ereje` console script (`engine.cli:main`): the core's commands plus the tools' and the
service's (`web.commands`).

The command line is the outermost shell: it owns the parser and composes the others' subcommands
through `extra`; neither the core, the tools nor the service import it. The commands' modules are
imported when `main` runs, so `python -m engine.cli.<module>` finds them not yet loaded.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    import web.commands

    from .cli import main as engine_main
    from .edition_cli import register as register_editions
    from .lint_cli import register as register_lint

    return engine_main(argv, extra=[web.commands.register, register_editions, register_lint])
