"""Hourly sync benchmark (issue 9, Must show): throughput at the daily ceiling, Shopify calls per part,
429s and THROTTLED, peak RSS at 10k and 50k parts, the effective re-check period at twice the ceiling.

    .venv/bin/python benchmarks/sync.py                 # everything (~10 minutes on 2 cores)
    .venv/bin/python benchmarks/sync.py --only ceiling  # or: rss, double

Both sandboxes run in-process on free ports; the store is SQLite in a temp folder (or --database-url).
Buckets are planned at the configured Boeing rate (BOEING_RATE_PER_MIN, 2 calls × 10 parts a minute:
a ceiling of 28,800 parts a day) while the sandbox and the hub's limiter run at a raised rate, so a
simulated hour takes seconds. Each simulated hour is one `sync_hashes` partition, its clock frozen
(time-machine) at minute 45. Published parts are seeded in bulk through `PublishingStore`; the parts
meant to change are real Shopify products (productSet), the others carry the hash Boeing will answer.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402
import time_machine  # noqa: E402

from boeinghub_dagster.defs.sync.assets import sync_hashes  # noqa: E402
from boeinghub_dagster.domain.hashing import change_hash  # noqa: E402
from boeinghub_dagster.domain.normalization import normalize_item  # noqa: E402
from boeinghub_dagster.domain.payloads import product_identifier, product_set_input  # noqa: E402
from boeinghub_dagster.domain.pricing import row_base_cost, shop_price  # noqa: E402
from boeinghub_dagster.domain.sync_rules import daily_part_ceiling  # noqa: E402
from boeinghub_dagster.resources.boeing import BoeingResource  # noqa: E402
from boeinghub_dagster.resources.shopify import ShopifyResource  # noqa: E402
from boeinghub_dagster.resources.shopify_setup import ensure_setup  # noqa: E402
from boeinghub_dagster.resources.store import StoreResource  # noqa: E402
from boeinghub_dagster.resources.store.sync import sched  # noqa: E402
from boeinghub_dagster.sandbox.catalogue import is_known, item_for  # noqa: E402
from boeinghub_dagster_tests.support.sandboxes import start_boeing, start_shopify  # noqa: E402

PLAN_RATE, BATCH, FAST_RATE = 2.0, 10, 60_000.0
DAY0 = datetime(2027, 1, 4, tzinfo=UTC)
PIN = int((DAY0 - timedelta(days=1)).timestamp() // 3600)  # the sandbox answers as in this epoch hour: no drift
CREDS = dict(
    client_id="sandbox-client", client_secret="sandbox-secret", username="sandbox-user", password="sandbox-pass"
)


def parts(n: int) -> list[str]:
    out, i = [], 0
    while len(out) < n:
        pn = f"BENCH{i:06d}-{i % 7 + 2}"
        if is_known(pn):
            out.append(pn)
        i += 1
    return out


class Env:
    """Both sandboxes and the resources on one store."""

    def __init__(self, database_url: str, shop_db: str):
        self.boeing_server, self.boeing_box = start_boeing(rate_per_min=FAST_RATE, burst=50, hour=PIN)
        self.shop_server, self.shop_box = start_shopify(shop_db, bucket_size=1_000_000.0, restore_rate=1_000_000.0)
        self.store = StoreResource(database_url=database_url)
        url = self.boeing_box.url
        self.boeing = BoeingResource(
            **CREDS,
            oauth_token_url=f"{url}/oauth/token",
            pna_oauth_url=f"{url}/pna/oauth",
            pna_price_url=f"{url}/pna/price",
            store=self.store,
            rate_per_min=FAST_RATE,
            batch_size=BATCH,
            timeout_seconds=30,
            max_backoff_seconds=2,
        )
        self.shopify = ShopifyResource(
            shop_url=self.shop_box.url,
            access_token=self.shop_box.token,
            store=self.store,
            rate_per_min=60_000,
            timeout_seconds=30,
            max_backoff_seconds=1,
        )
        self.instance = dg.DagsterInstance.ephemeral()

    def close(self):
        self.boeing_server.stop()
        self.shop_server.stop()

    def seed(self, catalogue: list[str], changed: int = 0) -> None:
        """Publish `catalogue` in bulk; the first `changed` parts are real Shopify products whose hash differs."""
        client = self.shopify.client()
        location_ids = ensure_setup(client, self.store.publishing(), {}, ()).locations
        rows, made = [], 0
        for i, pn in enumerate(catalogue):
            row = normalize_item(pn, item_for(pn, PIN), "USD", {})
            base = row_base_cost(row) or Decimal("10.00")
            rec = {
                "part_number": pn,
                "sku": row["sku"],
                "shopify_product_id": f"gid://shopify/Product/fake{i}",
                "shopify_variant_id": f"gid://shopify/ProductVariant/fake{i}",
                "inventory_item_id": f"gid://shopify/InventoryItem/fake{i}",
                "price": shop_price(base, "1.1"),
                "cost": base,
                "quantity": row["inventory_quantity"],
                "image_url": None,
                "payload_hash": None,
                "status": "published",
                "hash": change_hash(row),
            }
            if made < changed and row_base_cost(row) is not None:
                made += 1
                product = product_set_input(
                    row,
                    price_markup_factor="1.1",
                    location_ids=location_ids,
                    location_map={},
                    location_codes={},
                    image_url=None,
                    part_number=pn,
                )
                node = client.product_set(product, product_identifier(pn)).root["product"]
                variant = node["variants"]["nodes"][0]
                rec.update(
                    shopify_product_id=node["id"],
                    shopify_variant_id=variant["id"],
                    inventory_item_id=variant["inventoryItem"]["id"],
                    hash="seeded-to-differ",
                )
            rows.append(rec)
        client.close()
        pub = self.store.publishing()
        for start in range(0, len(rows), 5000):
            pub.record_published([{k: v for k, v in r.items() if k != "hash"} for r in rows[start : start + 5000]])
        with self.store.engine().begin() as conn:
            from boeinghub_dagster.resources.store.publishing import update_many

            update_many(conn, sched, [{"part_number": r["part_number"], "last_hash": r["hash"]} for r in rows])

    def sync_hour(self, hour: datetime) -> dict:
        with time_machine.travel(hour + timedelta(minutes=45), tick=True):
            result = dg.materialize(
                [sync_hashes],
                instance=self.instance,
                partition_key=hour.strftime("%Y-%m-%d-%H:00"),
                resources={"store": self.store, "boeing": self.boeing, "shopify": self.shopify},
                run_config={"ops": {"sync_hashes": {"config": {"poll_seconds": 0.02, "plan_rate_per_min": PLAN_RATE}}}},
            )
        return {k: v.value for k, v in result.asset_materializations_for_node("sync_hashes")[-1].metadata.items()}


def limits_hit(env: Env) -> dict:
    b, s = env.boeing_box.stats(), env.shop_box.stats()
    return {
        "boeing_429": b["responses_429"] + b["over_limit"],
        "shopify_429": s["status_counts"].get("429", 0),
        "shopify_throttled": s["throttled"],
    }


def ceiling(tmp: Path, database_url: str | None) -> dict:
    n = daily_part_ceiling(PLAN_RATE, BATCH)
    env = Env(database_url or f"sqlite:///{tmp / 'ceiling.db'}", str(tmp / "shop-ceiling.db"))
    try:
        changed_target = n // 100
        env.seed(parts(n), changed=changed_target)
        runs = [env.sync_hour(DAY0 + timedelta(hours=h)) for h in range(24)]
        synced = sum(r["parts_unchanged"] + r["parts_pushed"] for r in runs)
        changed = sum(r["parts_changed"] for r in runs)
        calls = sum(r["shopify_calls"] for r in runs)
        day2 = [env.sync_hour(DAY0 + timedelta(days=1, hours=h)) for h in range(24)]  # Boeing answers as on day 1
        return {
            "catalogue_at_ceiling": n,
            "day1_synced": synced,
            "day1_synced_per_ceiling": round(synced / n, 3),
            "day1_changed": changed,
            "day1_unchanged": sum(r["parts_unchanged"] for r in runs),
            "day1_deferred_to_next_slot": sum(r["parts_deferred"] for r in runs),
            "failed": sum(r["parts_failed"] for r in runs + day2),
            "shopify_calls_per_changed_part": round(calls / max(1, changed), 2),
            "day2_synced_per_ceiling": round(sum(r["parts_unchanged"] + r["parts_pushed"] for r in day2) / n, 3),
            "day2_changed": sum(r["parts_changed"] for r in day2),
            "day2_shopify_calls_for_unchanged_parts": sum(r["shopify_calls"] for r in day2),
            "boeing_calls_per_hour_max": max(r["boeing_calls"] for r in runs + day2),
            "slowest_hour_seconds": max(r["elapsed_seconds"] for r in runs + day2),
            **limits_hit(env),
        }
    finally:
        env.close()


def rss_seed(n: int, tmp: Path) -> None:
    env = Env(f"sqlite:///{tmp / f'rss-{n}.db'}", str(tmp / f"shop-rss-{n}.db"))
    try:
        env.seed(parts(n))
    finally:
        env.close()


def rss_child(n: int, tmp: Path) -> None:
    """Three sync hours over an `n`-part catalogue seeded by another process: this process's peak is the sync's."""
    env = Env(f"sqlite:///{tmp / f'rss-{n}.db'}", str(tmp / f"shop-rss-{n}.db"))
    try:
        runs = [env.sync_hour(DAY0 + timedelta(hours=h)) for h in range(3)]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            json.dumps(
                {
                    "parts": n,
                    "peak_rss_mb": round(peak / 1024, 1),
                    "taken_per_hour": [r["parts_taken"] for r in runs],
                    "unchanged_per_hour": [r["parts_unchanged"] for r in runs],
                }
            )
        )
    finally:
        env.close()


def rss(tmp: Path) -> dict:
    out = {}
    for n in (10_000, 50_000):
        subprocess.run(
            [sys.executable, __file__, "--rss-seed", str(n), "--tmp", str(tmp)], capture_output=True, check=True
        )
        proc = subprocess.run(
            [sys.executable, __file__, "--rss-child", str(n), "--tmp", str(tmp)],
            capture_output=True,
            text=True,
            check=True,
        )
        out[n] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["ratio_50k_to_10k"] = round(out[50_000]["peak_rss_mb"] / out[10_000]["peak_rss_mb"], 2)
    return out


def double(tmp: Path, database_url: str | None, days: int = 3) -> dict:
    n = 2 * daily_part_ceiling(PLAN_RATE, BATCH)
    env = Env(database_url or f"sqlite:///{tmp / 'double.db'}", str(tmp / "shop-double.db"))
    try:
        env.seed(parts(n))
        synced_per_day = []
        for d in range(days):
            runs = [env.sync_hour(DAY0 + timedelta(days=d, hours=h)) for h in range(24)]
            synced_per_day.append(sum(r["parts_unchanged"] + r["parts_pushed"] for r in runs))
        end = DAY0 + timedelta(days=days)
        rows = env.store.sync().all_rows()
        never = sum(1 for r in rows if r["last_sync_at"] is None)
        oldest = max(end - r["last_sync_at"] for r in rows if r["last_sync_at"] is not None)
        period = n / (sum(synced_per_day) / days)
        expected = n / daily_part_ceiling(PLAN_RATE, BATCH)
        return {
            "catalogue": n,
            "synced_per_day": synced_per_day,
            "effective_recheck_days": round(period, 2),
            "catalogue_over_ceiling_days": expected,
            "within_10pct": abs(period - expected) / expected <= 0.10,
            "oldest_last_sync_age_days": round(oldest.total_seconds() / 86400, 2),
            "never_synced": never,
            **limits_hit(env),
        }
    finally:
        env.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("ceiling", "rss", "double"))
    ap.add_argument("--database-url")
    ap.add_argument("--rss-child", type=int)
    ap.add_argument("--rss-seed", type=int)
    ap.add_argument("--tmp")
    args = ap.parse_args()
    if args.rss_seed:
        return rss_seed(args.rss_seed, Path(args.tmp))
    if args.rss_child:
        return rss_child(args.rss_child, Path(args.tmp))
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in (
            ("ceiling", lambda: ceiling(Path(tmp), args.database_url)),
            ("rss", lambda: rss(Path(tmp))),
            ("double", lambda: double(Path(tmp), args.database_url)),
        ):
            if args.only in (None, name):
                print(f"== {name}", flush=True)
                print(json.dumps(fn(), indent=2, default=str), flush=True)


if __name__ == "__main__":
    main()
