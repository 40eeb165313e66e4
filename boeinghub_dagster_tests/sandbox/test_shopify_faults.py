"""Shopify sandbox faults and long-lived state: apply-then-fail, variant throttle, media, restart, resets."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from boeinghub_dagster.sandbox.serve import serve
from boeinghub_dagster_tests.support.sandboxes import start_shopify
from boeinghub_dagster_tests.support.shopify_calls import (
    PRODUCT_SET,
    define_part_number,
    part_identifier,
    product_input,
    publish,
)
from boeinghub_dagster_tests.support.waiting import first_answer, free_port

PNG = b"\x89PNG\r\n\x1a\n" + bytes(4000)
MEDIA = (
    "query($q: String) { products(first: 5, query: $q) { nodes { media(first: 5) { nodes { status "
    "mediaErrors { code } ... on MediaImage { image { url } } } } } } }"
)


@pytest.fixture(scope="module")
def images():
    """A second local server standing in for the object store that hosts product images."""
    routes = [
        Route("/good.png", lambda r: Response(PNG, media_type="image/png")),
        Route("/tiny.png", lambda r: Response(PNG[:100], media_type="image/png")),
        Route("/page.html", lambda r: Response(b"<html>" + bytes(3000) + b"</html>", media_type="text/html")),
        Route("/gone.png", lambda r: Response(b"not found", status_code=404)),
    ]
    with serve(Starlette(routes=routes)) as handle:
        yield handle.url


def _media(shop, part: str, timeout: float = 60.0) -> list[dict]:
    """The part's media once none is still UPLOADED or PROCESSING."""
    deadline = time.monotonic() + timeout
    while True:
        body = shop.graphql(MEDIA, {"q": f"title:{part}"}).json()
        nodes = body["data"]["products"]["nodes"][0]["media"]["nodes"]
        if all(n["status"] in ("READY", "FAILED") for n in nodes) or time.monotonic() > deadline:
            return nodes
        time.sleep(0.05)


def test_media_is_fetched_after_the_answer_and_judged(shopify, images):
    define_part_number(shopify)
    good = publish(shopify, "IMG-1", files=[f"{images}/good.png"])
    assert good["data"]["productSet"]["userErrors"] == []
    assert [m["status"] for m in _media(shopify, "IMG-1")] == ["READY"]
    assert _media(shopify, "IMG-1")[0]["image"]["url"] == f"{images}/good.png"
    for part, path in (("IMG-2", "tiny.png"), ("IMG-3", "page.html"), ("IMG-4", "gone.png")):
        publish(shopify, part, files=[f"{images}/{path}"])
        [media] = _media(shopify, part)
        assert media["status"] == "FAILED" and media["mediaErrors"][0]["code"] and media["image"] is None
    assert shopify.stats()["media_statuses"] == {"READY": 1, "FAILED": 3}


def test_apply_then_fail_stores_the_effect_and_answers_502(shopify):
    define_part_number(shopify)
    shopify.admin(apply_then_fail_rate=1.0)
    response = shopify.graphql(
        "mutation($i: ProductSetInput!, $id: ProductSetIdentifiers) { productSet(input: $i, identifier: $id) "
        "{ product { id } userErrors { message } } }",
        {"i": product_input("ATF-1"), "id": part_identifier("ATF-1")},
    )
    assert response.status_code == 502
    assert shopify.stats()["products_per_part_number"] == {"ATF-1": 1}
    assert shopify.graphql("{ locations(first: 1) { nodes { id } } }").status_code == 200  # queries are not hit
    shopify.admin(apply_then_fail_rate=0.0)
    retry = publish(shopify, "ATF-1")  # the retry finds the product the lost answer created
    assert retry["data"]["productSet"]["userErrors"] == []
    stats = shopify.stats()
    assert stats["apply_then_fail"] == 1 and stats["products_per_part_number"] == {"ATF-1": 1}


def test_variant_throttle_refuses_creation_until_the_day_turns(tmp_path):
    """Shopify's shape: a top-level error VARIANT_THROTTLE_EXCEEDED, productSet's data null, nothing stored."""
    server, shop = start_shopify(str(tmp_path / "shop.db"), variant_threshold=2, variants_per_day=3)
    try:
        define_part_number(shop)
        answers = [publish(shop, f"VT-{i}") for i in range(4)]
        assert [a["data"]["productSet"]["userErrors"] for a in answers[:3]] == [[], [], []]
        refused = answers[3]
        assert refused["data"] == {"productSet": None}
        [error] = refused["errors"]
        assert error["extensions"]["code"] == "VARIANT_THROTTLE_EXCEEDED" and error["path"] == ["productSet"]
        assert error["message"].startswith("Daily variant creation limit reached")
        assert refused["extensions"]["cost"]["actualQueryCost"] is not None  # the call was run and paid for
        assert publish(shop, "VT-0", price="99.00")["data"]["productSet"]["userErrors"] == []  # updates still pass
        stats = shop.stats()
        assert stats["products"] == 3 and stats["variant_throttled"] == 1 and stats["variants_created_today"] == 3
        assert stats["products_per_part_number"].get("VT-3") is None
        shop.admin(advance_day=1)
        assert publish(shop, "VT-3")["data"]["productSet"]["userErrors"] == []
        assert shop.stats()["variants_created_today"] == 1
    finally:
        server.stop()
        server.app.state.sandbox.store.close()


def test_more_than_2048_variants_on_one_product_is_variants_over_limit(shopify):
    """The permanent limit (productSet: "stores have a limit of 2048 product variants for each product")."""
    define_part_number(shopify)
    shopify.admin(max_input_array=5000, max_query_cost=100_000)
    payload = product_input("VOL-1")
    values = [{"name": f"V{i}"} for i in range(2049)]
    payload["productOptions"] = [{"name": "Title", "values": values}]
    payload["variants"] = [
        {"optionValues": [{"optionName": "Title", "name": v["name"]}], "price": "1.00"} for v in values
    ]
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("VOL-1")}).json()
    assert "errors" not in body
    codes = [e["code"] for e in body["data"]["productSet"]["userErrors"]]
    assert codes == ["VARIANTS_OVER_LIMIT"] and shopify.stats()["products"] == 0


def test_restart_keeps_the_shop(tmp_path):
    db = str(tmp_path / "shop.db")
    server, shop = start_shopify(db)
    define_part_number(shop)
    created = publish(shop, "RS-1")["data"]["productSet"]["product"]
    server.stop()
    server.app.state.sandbox.store.close()
    server, shop = start_shopify(db)
    try:
        again = publish(shop, "RS-1")["data"]["productSet"]
        assert again["userErrors"] == [] and again["product"]["id"] == created["id"]
        assert shop.stats()["products_per_part_number"] == {"RS-1": 1}
    finally:
        server.stop()
        server.app.state.sandbox.store.close()


def test_error_rate_outage_and_latency(shopify):
    shopify.admin(error_rate=1.0)
    assert shopify.graphql("{ locations(first: 1) { nodes { id } } }").status_code in (500, 502, 503, 504)
    shopify.admin(error_rate=0.0, outage=True)
    assert shopify.graphql("{ locations(first: 1) { nodes { id } } }").status_code == 503
    shopify.admin(outage=False, latency_ms=150)
    started = time.monotonic()
    assert shopify.graphql("{ locations(first: 1) { nodes { id } } }").status_code == 200
    assert time.monotonic() - started >= 0.15
    stats = shopify.stats()
    assert stats["errors_injected"] == 1 and stats["outage_refusals"] == 1 and stats["calls"] == 3


def test_reset_clears_stats_and_wipe_empties_the_shop(shopify):
    define_part_number(shopify)
    publish(shopify, "RW-1")
    after_reset = shopify.reset()
    assert after_reset["calls"] == 0 and after_reset["products"] == 1
    wiped = shopify.reset(wipe=True)
    assert wiped["products"] == 0 and wiped["products_per_part_number"] == {}
    assert define_part_number(shopify)["userErrors"] == []  # definitions went with the shop


def test_cli_serves_the_shop_with_flags(tmp_path):
    port = free_port()
    db = tmp_path / "cli.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "boeinghub_dagster.sandbox",
            "shopify",
            "--port",
            str(port),
            "--db",
            str(db),
            "--bucket-size",
            "500",
            "--variants-per-day",
            "7",
            "--outage",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        r = first_answer(f"http://127.0.0.1:{port}/_stats", proc, 60, "the sandbox CLI server", every=0.05)
        config = r.json()["config"]
        assert (config["bucket_size"], config["variants_per_day"], config["outage"]) == (500.0, 7, True)
        assert db.exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
