"""Calculated query cost and the leaky bucket of the Shopify sandbox (docs/behaviour.md §7, §7a).

Shopify prices a document before running it: scalars and enums 0, objects 1, a connection 2
plus `first`/`last` times the cost of one node, a mutation field 10. The bucket must hold
the requested cost or the call is THROTTLED; after execution the difference to the actual
cost (connections priced by the nodes really returned) is refunded. Hand-written because
graphql-core has no cost analysis and Shopify's rules are its own.

Some inputs cost by their size, as the schema's descriptions say: `ProductSetInput.variants`
"Complexity cost: 0.2 per variant", `.metafields` "0.4 per metafield", `.files` "1.9 per file",
and on each variant `ProductVariantSetInput.file` "0.6 per variant file" and `.metafields`
"0.4 per variant metafield". That sum, rounded up to a whole point (the sandbox's choice: the
schema gives no rounding, and rounding up never lets a client under-budget), is added to the
mutation's 10 in both the requested and the actual cost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from decimal import Decimal

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from graphql.execution.values import get_argument_values

MUTATION_COST = 10
CONNECTION_COST = 2


def _count(items) -> int:
    return len(items) if isinstance(items, list) else 0


def product_set_complexity(args: dict) -> Decimal:
    """ProductSetInput's documented per-item complexity (see the module docstring)."""
    given = args.get("input") or {}
    variants = given.get("variants") if isinstance(given.get("variants"), list) else []
    total = (
        Decimal("0.2") * len(variants)
        + Decimal("0.4") * _count(given.get("metafields"))
        + Decimal("1.9") * _count(given.get("files"))
    )
    for v in variants:
        if isinstance(v, dict):
            total += Decimal("0.6") * (v.get("file") is not None) + Decimal("0.4") * _count(v.get("metafields"))
    return total


INPUT_COMPLEXITY = {"productSet": product_set_complexity}


class CostError(Exception):
    """A document the cost analysis refuses (a connection without `first` or `last`)."""


class QueryCost:
    """Prices one operation; `data` (the executed result) switches to actual cost."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict | None,
    ):
        self.schema, self.operation, self.fragments = schema, operation, fragments
        self.variables = variables or {}

    def requested(self) -> int:
        return self._root(None)

    def actual(self, data: dict | None) -> int:
        return self._root(data if data is not None else {})

    def _root(self, data) -> int:
        if self.operation.operation == OperationType.MUTATION:
            total = 0
            for field, payload_type, sub in self._fields(self.operation.selection_set, self.schema.mutation_type, data):
                total += MUTATION_COST + self._input_cost(field)
                if field.selection_set is not None and (data is None or sub is not None):
                    total += self._selections(field.selection_set, payload_type, sub)
            return total
        return self._selections(self.operation.selection_set, self.schema.query_type, data)

    def _input_cost(self, field: FieldNode) -> int:
        price = INPUT_COMPLEXITY.get(field.name.value)
        if price is None:
            return 0
        try:
            args = get_argument_values(self.schema.mutation_type.fields[field.name.value], field, self.variables)
        except (GraphQLError, KeyError, TypeError):
            return 0
        return math.ceil(price(args))

    def _fields(self, selection_set: SelectionSetNode, parent, data) -> Iterable:
        """(field node, its named type, its data) for every field selected, fragments flattened."""
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                field_def = getattr(parent, "fields", {}).get(sel.name.value)
                if field_def is None:
                    continue
                key = sel.alias.value if sel.alias else sel.name.value
                sub = data.get(key) if isinstance(data, dict) else None
                yield sel, get_named_type(field_def.type), sub
            else:
                frag = sel if isinstance(sel, InlineFragmentNode) else self.fragments.get(sel.name.value)
                if frag is None:
                    continue
                cond = frag.type_condition
                frag_type = self.schema.get_type(cond.name.value) if cond else parent
                yield from self._fields(frag.selection_set, frag_type, data)

    def _selections(self, selection_set: SelectionSetNode, parent, data) -> int:
        total = 0
        for field, named, sub in self._fields(selection_set, parent, data):
            if not is_composite_type(named) or field.selection_set is None:
                continue
            if data is not None and sub is None:
                continue  # not returned: costs nothing in the actual cost
            if named.name.endswith("Connection"):
                total += CONNECTION_COST + self._connection(field, named, sub, data is None)
            else:
                item = sub[0] if isinstance(sub, list) and sub else sub
                if data is not None and isinstance(sub, list) and not sub:
                    continue
                total += 1 + self._selections(field.selection_set, named, item if data is not None else None)
        return total

    def _connection(self, field: FieldNode, conn_type, data, requested: bool) -> int:
        size = self._page_size(field)
        if size is None:
            raise CostError("you must provide one of first or last")
        best = 0
        for part, part_type, part_data in self._fields(field.selection_set, conn_type, data):
            name = part.name.value
            if name not in ("edges", "nodes") or part.selection_set is None:
                continue
            node_type = conn_type.fields["nodes"].type
            node_type = get_named_type(node_type)
            if requested:
                if name == "nodes":
                    per = 1 + self._selections(part.selection_set, node_type, None)
                else:
                    per = self._edge_cost(part.selection_set, part_type, node_type, None)
                best = max(best, size * per)
                continue
            items = part_data if isinstance(part_data, list) else []
            if name == "nodes":
                cost = sum(1 + self._selections(part.selection_set, node_type, it) for it in items)
            else:
                cost = sum(self._edge_cost(part.selection_set, part_type, node_type, it) for it in items)
            best = max(best, cost)
        return best

    def _edge_cost(self, selection_set, edge_type, node_type, edge) -> int:
        cost = 0
        for field, _named, sub in self._fields(selection_set, edge_type, edge):
            if field.name.value == "node" and field.selection_set is not None:
                if edge is not None and sub is None:
                    continue
                cost += 1 + self._selections(field.selection_set, node_type, sub if edge is not None else None)
        return cost

    def _page_size(self, field: FieldNode) -> int | None:
        for arg in field.arguments:
            if arg.name.value not in ("first", "last"):
                continue
            value = arg.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                got = self.variables.get(value.name.value)
                if isinstance(got, int) and not isinstance(got, bool):
                    return got
        return None


def oversized_arrays(operation: OperationDefinitionNode, variables: dict | None, limit: int) -> list[tuple[int, list]]:
    """(size, path) of every input array longer than `limit`, in literals and in variables."""
    found: list[tuple[int, list]] = []

    def walk_value(node, path):
        if isinstance(node, ListValueNode):
            if len(node.values) > limit:
                found.append((len(node.values), path))
            for i, v in enumerate(node.values):
                walk_value(v, [*path, i])
        elif isinstance(node, ObjectValueNode):
            for f in node.fields:
                walk_value(f.value, [*path, f.name.value])

    def walk_selections(selection_set, path):
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, FieldNode):
                for arg in sel.arguments:
                    walk_value(arg.value, [*path, sel.name.value, arg.name.value])
                walk_selections(sel.selection_set, [*path, sel.name.value])
            elif isinstance(sel, InlineFragmentNode):
                walk_selections(sel.selection_set, path)

    def walk_json(value, path):
        if isinstance(value, list):
            if len(value) > limit:
                found.append((len(value), path))
            for i, v in enumerate(value):
                walk_json(v, [*path, i])
        elif isinstance(value, dict):
            for k, v in value.items():
                walk_json(v, [*path, k])

    walk_selections(operation.selection_set, [])
    for name, value in (variables or {}).items():
        walk_json(value, [name])
    return found


class LeakyBucket:
    """Shopify's cost bucket: `size` points, refilled continuously at `rate` points per second."""

    def __init__(self, size: float, rate: float):
        self.size, self.rate = float(size), float(rate)
        self.available = self.size
        self.last = time.monotonic()

    def configure(self, size: float, rate: float, refill: bool = False) -> None:
        self._refill()
        self.size, self.rate = float(size), float(rate)
        self.available = self.size if refill else min(self.available, self.size)

    def _refill(self) -> None:
        now = time.monotonic()
        self.available = min(self.size, self.available + (now - self.last) * self.rate)
        self.last = now

    def try_take(self, cost: int) -> bool:
        self._refill()
        if self.available < cost:
            return False
        self.available -= cost
        return True

    def refund(self, points: int) -> None:
        self._refill()
        self.available = min(self.size, self.available + max(0, points))

    def status(self) -> dict:
        self._refill()
        return {"maximumAvailable": self.size, "currentlyAvailable": int(self.available), "restoreRate": self.rate}
