"""CLI for the sandboxes: `python -m boeinghub_dagster.sandbox boeing --port N [...]`.

Benchmarks and manual runs need the fake APIs as a separate process. Each
subcommand is one entry in COMMANDS (name -> (add_arguments, run)), so another
sandbox (e.g. shopify) plugs in without touching the parser code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

try:  # the servers' libraries are an extra: production installs never have them
    import graphql  # noqa: F401
    import python_multipart  # noqa: F401
    import starlette  # noqa: F401
    import uvicorn
except ModuleNotFoundError as exc:
    sys.exit(
        f"python -m boeinghub_dagster.sandbox: {exc.name} is not installed; the sandboxes need their "
        "server libraries: pip install 'boeinghub-dagster[sandbox]' (./scripts/hub installs them)"
    )

from boeinghub_dagster.sandbox.boeing import DEFAULT_CREDENTIALS, BoeingKnobs, create_boeing_app
from boeinghub_dagster.sandbox.files import create_files_app
from boeinghub_dagster.sandbox.shopify import DEFAULT_ACCESS_TOKEN, create_shopify_app
from boeinghub_dagster.sandbox.shopify_knobs import ShopifyKnobs
from boeinghub_dagster.sandbox.shopify_store import DEFAULT_LOCATIONS, DEFAULT_PUBLICATIONS

_KNOB_DEFAULTS = BoeingKnobs()


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)


def _run_app(app, args: argparse.Namespace) -> int:
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def boeing_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common(parser)
    d = _KNOB_DEFAULTS
    parser.add_argument(
        "--rate-per-min",
        type=float,
        default=d.rate_per_min,
        help="price calls per minute the server allows (<= 0: unlimited)",
    )
    parser.add_argument("--burst", type=int, default=d.burst)
    parser.add_argument("--error-rate", type=float, default=d.error_rate, help="fraction answered 5xx")
    parser.add_argument("--latency-ms", type=float, default=d.latency_ms)
    parser.add_argument(
        "--malformed-rate", type=float, default=d.malformed_rate, help="fraction answered 200 with a non-JSON body"
    )
    parser.add_argument("--token-ttl", type=float, default=d.token_ttl, help="seconds, both tokens")
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument("--max-codes", type=int, default=d.max_codes)
    parser.add_argument("--hour", type=int, default=None, help="pin the catalogue epoch hour")
    parser.add_argument("--outage", action="store_true", help="answer 503 everywhere but /_stats, /_admin")
    for name, default in DEFAULT_CREDENTIALS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=default)


def boeing_run(args: argparse.Namespace) -> int:
    app = create_boeing_app(
        client_id=args.client_id,
        client_secret=args.client_secret,
        username=args.username,
        password=args.password,
        rate_per_min=args.rate_per_min,
        burst=args.burst,
        error_rate=args.error_rate,
        latency_ms=args.latency_ms,
        malformed_rate=args.malformed_rate,
        token_ttl=args.token_ttl,
        seed=args.seed,
        max_codes=args.max_codes,
        hour=args.hour,
        outage=args.outage,
    )
    print(f"Boeing sandbox on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    return _run_app(app, args)


def files_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common(parser)
    parser.add_argument("--root", default="data/images", help="folder to serve (the local object store)")


def files_run(args: argparse.Namespace) -> int:
    print(f"Files of {args.root} on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    return _run_app(create_files_app(args.root), args)


def shopify_arguments(parser: argparse.ArgumentParser) -> None:
    """Every ShopifyKnobs field is a flag (`--bucket-size 2000`, `--outage`, …), plus the shop's file."""
    _add_common(parser)
    parser.add_argument("--db", default="data/shopify_sandbox.db", help="SQLite file holding the shop")
    parser.add_argument("--access-token", default=DEFAULT_ACCESS_TOKEN, help="the X-Shopify-Access-Token accepted")
    parser.add_argument(
        "--locations",
        default=",".join(DEFAULT_LOCATIONS),
        help="comma-separated location names seeded into an empty shop",
    )
    parser.add_argument(
        "--publications",
        default=",".join(DEFAULT_PUBLICATIONS),
        help="comma-separated sales channels (publications) seeded into an empty shop",
    )
    for name, default in vars(ShopifyKnobs()).items():
        flag = f"--{name.replace('_', '-')}"
        if isinstance(default, bool):
            parser.add_argument(flag, action="store_true")
        elif isinstance(default, tuple):
            parser.add_argument(flag, default=",".join(default), help="comma-separated")
        else:
            parser.add_argument(flag, type=type(default), default=default)


def shopify_run(args: argparse.Namespace) -> int:
    knobs = {name: getattr(args, name) for name in vars(ShopifyKnobs())}
    locations = tuple(n.strip() for n in args.locations.split(",") if n.strip())
    publications = tuple(n.strip() for n in args.publications.split(",") if n.strip())
    app = create_shopify_app(
        args.db, access_token=args.access_token, locations=locations, publications=publications, **knobs
    )
    print(f"Shopify sandbox on http://{args.host}:{args.port} (shop in {args.db})", file=sys.stderr, flush=True)
    return _run_app(app, args)


COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "boeing": (boeing_arguments, boeing_run),
    "shopify": (shopify_arguments, shopify_run),
    "files": (files_arguments, files_run),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m boeinghub_dagster.sandbox", description="Local stand-ins for the external APIs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (add_arguments, _run) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=f"{name} sandbox server"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command][1](args)


if __name__ == "__main__":
    sys.exit(main())
