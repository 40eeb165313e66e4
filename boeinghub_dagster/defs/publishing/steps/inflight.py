"""Several Shopify calls in flight for one publishing run (issue 13 item 5).

A real `productSet` takes hundreds of milliseconds: one call after another, a run spends a
few points a second of a bucket that refills at 100 (Standard) to 1,000 (Plus), so a large
republish would be bound by latency, not by the shop. Here a small pool of threads, each with
its own client (a client counts its own calls and holds its own connection), works through a
chunk's parts, and every call still reserves its cost from the one limiter in the store, so
the bucket, not the thread count, sets the pace. Threads only call Shopify: each chunk's store
writes stay in the run's thread, in bulk, before and after its calls (publisher.py), and the next
chunk is prepared (images stored, `pending` rows written) while this one's calls are in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Generic, TypeVar

from boeinghub_dagster.resources.shopify import ShopifyClient

Task = TypeVar("Task")
Outcome = TypeVar("Outcome")


@dataclass
class Stop:
    """Why the remaining tasks must not start (the run stops); set once."""

    error: BaseException


class InFlight(Generic[Task, Outcome]):
    """Runs `work(client, task)` on `concurrency` threads, one client per thread."""

    def __init__(self, make_client: Callable[[], ShopifyClient], concurrency: int):
        self.make_client, self.concurrency = make_client, max(1, concurrency)
        self.clients: list[ShopifyClient] = []
        self._local = threading.local()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="shopify")
        self.stop: Stop | None = None

    def client(self) -> ShopifyClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.make_client()
            with self._lock:
                self.clients.append(client)
        return client

    def calls(self) -> int:
        with self._lock:
            return sum(c.calls for c in self.clients)

    def throttled(self) -> int:
        with self._lock:
            return sum(c.throttled for c in self.clients)

    def points(self) -> float:
        with self._lock:
            return sum(c.points for c in self.clients)

    def halt(self, error: BaseException) -> None:
        """No task starts after this; the error is raised once the tasks in flight are done."""
        if self.stop is None:
            self.stop = Stop(error)

    def submit(
        self,
        tasks: Sequence[Task],
        work: Callable[[ShopifyClient, Task], Outcome],
        not_started: Callable[[Task], Outcome],
    ) -> list[tuple[Task, Future]]:
        """Queue `work(client, task)` for every task; once `halt` was called a task that had not started
        yet gets `not_started(task)` instead. Queuing a whole chunk at once keeps the threads busy while
        the run's thread prepares the next chunk or writes the last one."""

        def one(task: Task) -> Outcome:
            if self.stop is not None:
                return not_started(task)
            return work(self.client(), task)

        return [(task, self._pool.submit(one, task)) for task in tasks]

    def collect(
        self, submitted: list[tuple[Task, Future]], broke: Callable[[Task, BaseException], Outcome]
    ) -> Iterator[tuple[Task, Outcome]]:
        """(task, outcome) as each finishes. An exception from `work` halts the run (`broke(task, error)` is
        its outcome); the caller raises `self.stop.error` once it has written what finished."""
        tasks = {future: task for task, future in submitted}
        for future in as_completed(tasks):
            error = future.exception()
            if error is not None:
                self.halt(error)
                yield tasks[future], broke(tasks[future], error)
            else:
                yield tasks[future], future.result()

    def close(self) -> None:
        """Start nothing more (a queued chunk's parts keep their `pending` rows), wait for the calls in flight."""
        self.halt(RuntimeError("publishing stopped"))
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for client in self.clients:
                client.close()
