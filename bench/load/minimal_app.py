"""The baseline of the load figures: a minimal Flask endpoint served exactly like the service.

It parses the same JSON body and answers a small JSON document, under the same gunicorn
settings (`web.serve.run`, same workers, preloading, worker class), so the ratio of the two
throughputs measures what deciding and logging cost, not the server.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask import Flask, Response, request

from web import serve


def create_minimal_app() -> Flask:
    app = Flask("minimal", static_folder=None)

    @app.post("/v1/minimal")
    def minimal() -> Response:
        body = json.loads(request.get_data())
        return Response(
            json.dumps({"ok": True, "keys": len(body)}), status=200, mimetype="application/json"
        )

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--pidfile")
    args = parser.parse_args(argv)
    app = create_minimal_app()
    serve.run(
        lambda: app,
        serve.ServeOptions(
            host=args.host, port=args.port, workers=args.workers, threads=args.threads,
            pidfile=args.pidfile, log_level="warning",
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
