"""Deterministic fake Boeing PNA catalogue (pure: no I/O, no randomness).

Every value is derived from a sha256 of the upper-cased part number, so any
process answers the same item for the same part, and tests can predict it.
Prices and stock drift a little per epoch hour (hash of part + hour) so that a
later sync has real changes to find, while one hour always gives one answer.
The quirks (string numbers, null quantity, lower-case productCode, odd dims)
are the ones the real API shows and the hub's normalization must survive.
Image URLs point at the sandbox's own `/images/` route; `image_kind` says whether
a part's image is good, missing, tiny or not an image at all.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from urllib.parse import quote

LOCATIONS = ("Dallas Central", "Chicago", "Miami", "Seattle", "Atlanta")
UOMS = ("EA", "EACH", "PC", "IN", "LB", "PK", "BX", None)
COUNTRIES = ("United States", "United States", "France", "Germany", "United Kingdom", "Canada", None)
SUPPLIERS = ("Boeing Distribution", "Honeywell", "Parker Aerospace", "Collins Aerospace", "Safran")
FAA_CODES = ("PMA", "TSO", "FAA 8130-3", "EASA", None, None)
ECCNS = ("EAR99", "9A991", "9A610", None)
SCHEDULE_B = ("8803.30.0030", "7318.15.2000", "8481.80.9050", None)
HAZMAT = ("UN1263", "UN3082", "ORM-D")
ADJECTIVES = ("Hex", "Self-Locking", "Flanged", "Sealed", "Threaded", "Lock", "Plain", "Shear")
NOUNS = ("Bolt", "Nut", "Washer", "Rivet", "O-Ring", "Bushing", "Bearing", "Clamp", "Fitting", "Screw")
IMAGE_PATH = "/images"  # served by the sandbox itself, see sandbox/images.py
# Prefixes that force what a part's image URL answers (None: the part has no image URL).
IMAGE_PREFIXES = (("NOIMAGE", None), ("BADIMAGE", "not_image"), ("TINYIMAGE", "tiny"), ("MISSINGIMAGE", "missing"))

UNKNOWN_FRACTION = 0.05


class _Dice:
    """Uniform floats in [0, 1) read from a digest, one 4-byte slot per question."""

    def __init__(self, *parts: object):
        seed = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
        self._digest = b"".join(hashlib.sha256(seed + bytes([i])).digest() for i in range(8))

    def u(self, slot: int) -> float:
        """Slot 0..63; each slot is an independent 4-byte window of the expanded digest."""
        return int.from_bytes(self._digest[slot * 4 : slot * 4 + 4], "big") / 2**32

    def pick(self, slot: int, options):
        return options[int(self.u(slot) * len(options))]


def current_hour() -> int:
    """The epoch hour the sandbox uses when no hour is pinned."""
    return int(time.time() // 3600)


def _norm(part_number: str) -> str:
    return part_number.strip().upper()


def is_known(part_number: str) -> bool:
    """True when Boeing answers for this part (stable across hours)."""
    pn = _norm(part_number)
    if not pn or pn.startswith("UNKNOWN"):
        return False
    return _Dice(pn).u(0) >= UNKNOWN_FRACTION


def image_kind(part_number: str) -> str | None:
    """What the part's image URL answers: good, missing (404), tiny, not_image; None when it has none.

    About 20% of parts have no image; of the rest about 8% are missing, 6% tiny, 6% not images.
    """
    pn = _norm(part_number)
    if not is_known(pn):
        return None
    for prefix, kind in IMAGE_PREFIXES:
        if pn.startswith(prefix):
            return kind
    d = _Dice(pn)
    if d.u(33) < 0.2:
        return None
    roll = d.u(46)
    return "missing" if roll < 0.08 else "tiny" if roll < 0.14 else "not_image" if roll < 0.2 else "good"


def _money(value: float) -> float:
    return round(min(5000.0, max(5.0, value)), 2)


def _prices(pn: str, d: _Dice, dh: _Dice) -> tuple[float | None, float | None]:
    if pn.startswith("NOPRICE"):
        return None, None
    base = 5.0 + 4995.0 * d.u(2) ** 3  # skewed toward cheap parts, as real catalogues are
    list_price = _money(base * (1.0 + (dh.u(0) * 2.0 - 1.0) * 0.03))
    net_price = _money(list_price * (0.7 + 0.3 * d.u(3)))
    net_price = min(net_price, list_price)
    if pn.startswith("NEGPRICE"):
        return -list_price, -list_price
    mode = d.u(1)
    if mode < 0.03:
        return None, None
    if mode < 0.08:
        return None, net_price
    return list_price, net_price


def _stock(pn: str, d: _Dice, dh: _Dice) -> list[dict]:
    count = 1 + int(d.u(4) * 3)
    start = int(d.u(5) * len(LOCATIONS))
    names = [LOCATIONS[(start + i) % len(LOCATIONS)] for i in range(count)]
    empty = pn.startswith("NOSTOCK") or d.u(6) < 0.05
    out = []
    for i, name in enumerate(names):
        if empty:
            qty = 0
        else:
            base = 1 + int(d.u(10 + i) ** 2 * 150)
            drift = int(dh.u(1 + i) * 5) - 2  # -2..+2 units per hour
            qty = max(0, base + drift)
        out.append({"location": name, "availQuantity": qty})
    return out


def _dim(d: _Dice) -> tuple[str | None, str | None]:
    mode = d.u(20)
    a, b, c = (round(0.1 + d.u(21 + i) * 12, 1) for i in range(3))
    if mode < 0.12:
        return None, None
    if mode < 0.22:
        return f"{a} X {b}", "IN"
    return f"{a} x {b} x {c}", d.pick(24, ("IN", "IN", "CM"))


def _weight(d: _Dice) -> float | str | None:
    mode = d.u(25)
    w = round(0.01 + d.u(26) * 40, 2)
    if mode < 0.1:
        return None
    return f"{w:.2f}" if mode < 0.4 else w


def item_for(part_number: str, hour: int, image_base: str = "") -> dict | None:
    """The line item Boeing would answer for this part in this epoch hour, or None if unknown.

    Image URLs are `<image_base>/images/<part>.jpg`: the server passes its own base URL.
    """
    if not is_known(part_number):
        return None
    pn = _norm(part_number)
    d = _Dice(pn)
    dh = _Dice(pn, "hour", hour)

    list_price, net_price = _prices(pn, d, dh)
    as_strings = d.u(7) < 0.5
    if as_strings:
        list_price = None if list_price is None else f"{list_price:.2f}"
        net_price = None if net_price is None else f"{net_price:.2f}"

    locations = _stock(pn, d, dh)
    total = sum(loc["availQuantity"] for loc in locations)
    q_mode = d.u(8)
    quantity = None if q_mode < 0.1 else 0 if q_mode < 0.2 else total
    if pn.startswith("NOSTOCK"):
        quantity = 0
    in_stock = None if d.u(9) < 0.1 and not pn.startswith("NOSTOCK") else total > 0

    name = f"{d.pick(30, ADJECTIVES)} {d.pick(31, NOUNS)}"
    desc_mode = d.u(32)
    description = "" if desc_mode < 0.08 else None if desc_mode < 0.15 else f"{name}, {pn}, aerospace grade"
    dim, dim_uom = _dim(d)
    images = f"{image_base.rstrip('/')}{IMAGE_PATH}/{quote(pn, safe='')}"
    image = None if image_kind(pn) is None else f"{images}.jpg"
    thumb = None if image is None or d.u(34) < 0.1 else f"{images}_thumb.jpg"

    return {
        "aviallPartNumber": pn,
        "productCode": pn.lower() if d.u(35) < 0.1 else pn,
        "name": name,
        "description": description,
        "supplierName": None if d.u(36) < 0.15 else d.pick(37, SUPPLIERS),
        "listPrice": list_price,
        "netPrice": net_price,
        "quantity": quantity,
        "inStock": in_stock,
        "baseUOM": d.pick(38, UOMS),
        "countryOfOrigin": d.pick(39, COUNTRIES),
        "dim": dim,
        "dimUOM": dim_uom,
        "weight": _weight(d),
        "weightUOM": d.pick(40, ("LB", "LB", "KG")),
        "productImage": image,
        "thumbnailImage": thumb,
        "hazmatCode": d.pick(41, HAZMAT) if d.u(42) < 0.1 else None,
        "faaApprovalCode": d.pick(43, FAA_CODES),
        "eccn": d.pick(44, ECCNS),
        "scheduleBCode": d.pick(45, SCHEDULE_B),
        "locationAvailabilities": locations,
    }


def line_items(codes: Iterable[str], hour: int, image_base: str = "") -> list[dict]:
    """Items for the asked codes, deduplicated ignoring case, order kept, unknown ones absent."""
    seen: set[str] = set()
    out = []
    for code in codes:
        key = _norm(code)
        if key in seen:
            continue
        seen.add(key)
        item = item_for(code, hour, image_base)
        if item is not None:
            out.append(item)
    return out


def doubled(item: dict) -> dict:
    """The item with its list and net price doubled, kept as numbers or strings as they came (the
    `repriced` knob: a jump far over the hub's price guard, whatever the hour's drift)."""
    out = dict(item)
    for key in ("listPrice", "netPrice"):
        value = item[key]
        if value is not None:
            out[key] = f"{float(value) * 2:.2f}" if isinstance(value, str) else round(value * 2, 2)
    return out


def known_parts(part_numbers: Iterable[str]) -> list[str]:
    """The subset Boeing knows (upper-cased), handy for tests predicting an answer."""
    return [_norm(p) for p in part_numbers if is_known(p)]
