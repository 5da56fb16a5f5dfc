"""`make bench`: engine, case check, instruction counts, impact, then the service under load."""

from __future__ import annotations

import sys

from bench import engine_bench


def main() -> int:
    status = engine_bench.main()
    print()
    from bench import validators  # the valid-case check, option by option (wall time)

    status = validators.main() or status
    print()
    from bench import instructions  # callgrind counts: they do not drift with the machine's load

    status = instructions.main() or status
    print()
    from bench import impact_bench  # ereje impact: 100,000 cases × 2 editions × every decision

    status = impact_bench.main() or status
    print()
    from bench.load.run import main as load_main  # the service's load figures (wrk on 127.0.0.1)

    return int(load_main([]) or 0) or status


if __name__ == "__main__":
    sys.exit(main())
