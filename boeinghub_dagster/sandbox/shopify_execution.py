"""How the Shopify sandbox runs one GraphQL document: parse, validate, price, throttle, execute, count.

Mixed into ShopifySandbox (shopify.py), which holds the schema, knobs, cost bucket, stats and lock.
"""

from __future__ import annotations

from graphql import FragmentDefinitionNode, GraphQLError, OperationType, execute, parse, validate
from graphql.utilities import get_operation_ast

from boeinghub_dagster.sandbox.shopify_access import access_check
from boeinghub_dagster.sandbox.shopify_context import RequestContext
from boeinghub_dagster.sandbox.shopify_cost import CostError, QueryCost, oversized_arrays
from boeinghub_dagster.sandbox.shopify_operator import COUNTED
from boeinghub_dagster.sandbox.shopify_partial import failing_field

RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"
MAX_COST_MESSAGE = (
    "Query cost is {cost}, which exceeds the single query max cost limit ({max}).\n\nSee "
    "https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is "
    "calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
    "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
)


class DocumentExecution:
    """The GraphQL document runner of ShopifySandbox, mixed into it."""

    def _run(
        self, query: str, variables: dict, operation_name: str | None, context: RequestContext
    ) -> tuple[dict, bool, list[int]]:
        """(answer body, whether a mutation ran, media ids to fetch) for one GraphQL document."""
        try:
            document = parse(query)
        except GraphQLError as exc:
            return self._refused([exc.formatted], "invalid_documents"), False, []
        errors = validate(self.schema, document)
        operation = get_operation_ast(document, operation_name) if not errors else None
        if errors or operation is None:
            errors = errors or [
                GraphQLError(
                    "An operation name is required"
                    if operation_name is None
                    else f"No operation named '{operation_name}'"
                )
            ]
            return self._refused([e.formatted for e in errors], "invalid_documents"), False, []
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        pricing = QueryCost(self.schema, operation, fragments, variables)
        try:
            requested = pricing.requested()
        except CostError as exc:
            return (
                self._refused([{"message": str(exc), "extensions": {"code": "BAD_REQUEST"}}], "invalid_documents"),
                False,
                [],
            )
        if requested > self.knobs.max_query_cost:
            error = {
                "message": MAX_COST_MESSAGE.format(cost=requested, max=self.knobs.max_query_cost),
                "extensions": {
                    "code": "MAX_COST_EXCEEDED",
                    "cost": requested,
                    "maxCost": self.knobs.max_query_cost,
                    "documentation": RATE_LIMITS_DOC,
                },
            }
            return self._refused([error], "max_cost_exceeded", requested), False, []
        oversized = oversized_arrays(operation, variables, self.knobs.max_input_array)
        if oversized:
            errors = [
                {
                    "message": f"The input array size of {size} is greater than the maximum allowed of "
                    f"{self.knobs.max_input_array}.",
                    "path": path,
                    "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"},
                }
                for size, path in oversized
            ]
            return self._refused(errors, "input_too_large", requested), False, []
        with self.lock:
            storm = self.knobs.throttle_storm > 0
            if storm:
                self.knobs.throttle_storm -= 1
            if storm or not self.bucket.try_take(requested):
                self.stats["throttled"] += 1
                error = {"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC}}
                return {"errors": [error], "extensions": {"cost": self._cost(requested, None)}}, False, []
        is_mutation = operation.operation == OperationType.MUTATION
        middleware = [access_check(self.knobs.access_scopes), failing_field(self.knobs.fail_field)]
        result = execute(
            self.schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            middleware=[m for m in middleware if m],
        )
        actual = pricing.actual(result.data) if result.data is not None else 0
        with self.lock:
            self.bucket.refund(requested - actual)
            s = self.stats
            s["mutations" if is_mutation else "queries"] += 1
            s["points_requested"] += requested
            s["points_spent"] += actual
            for sel in operation.selection_set.selections:
                name = getattr(getattr(sel, "name", None), "value", None)
                if name:
                    s["root_fields"][name] = s["root_fields"].get(name, 0) + 1
            for name in COUNTED:
                s[name] += context.counters.get(name, 0)
            s["partial_answers"] += int(bool(result.errors) and bool(result.data))
        answer: dict = {}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        # GraphQL spec, "Response": once execution started `data` is there, null when an error reached
        # it; an error before execution (variables that do not coerce; no `path`) leaves it out
        if result.data is not None or any(e.path for e in result.errors or ()):
            answer["data"] = result.data
        answer["extensions"] = {"cost": self._cost(requested, actual)}
        if context.search_warnings:
            answer["extensions"]["search"] = context.search_warnings
        return answer, is_mutation and result.data is not None, list(context.media_to_fetch)

    def _cost(self, requested: int, actual: int | None) -> dict:
        return {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": self.bucket.status()}

    def _refused(self, errors: list[dict], counter: str, requested: int = 0) -> dict:
        self._bump(counter)
        with self.lock:
            cost = self._cost(requested, None)
        return {"errors": errors, "extensions": {"cost": cost}}
