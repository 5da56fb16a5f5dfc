"""`make bench`: the engine benchmark, then the service load benchmark when present."""

from __future__ import annotations

import sys

from bench import engine_bench


def main() -> int:
    status = engine_bench.main()
    print()
    from bench import impact_bench  # ereje impact: 100,000 cases × 2 editions × every decision

    status = status or impact_bench.main()
    print()
    from bench.load.run import main as load_main  # the service's load figures (wrk on 127.0.0.1)

    return status or int(load_main([]) or 0)


if __name__ == "__main__":
    sys.exit(main())
