"""One inbox tick as plain functions: which files are complete, what each becomes.

Order per file: record the batch, then move the file. A crash between the two
leaves the file in the inbox with a `requested` batch of the same content and
name; the next tick sees that, only moves the file, and re-requests the run
under the same run key (Dagster launches a run key once). Pending batches are
reconciled every tick, so a run request lost with a crashed tick is made again.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from boeinghub_dagster.domain.intake import (
    MAX_FILE_BYTES,
    FileRejected,
    not_a_regular_file,
    parse_intake_file,
    rejected_lines_csv,
    too_large,
)
from boeinghub_dagster.resources.inbox import DIRECTORY, InboxFile, InboxResource, NotRegularFile
from boeinghub_dagster.resources.store.intake import IntakeStore

MAX_FILES_PER_TICK = 20
TICK_BUDGET_SECONDS = 30.0  # far under the 60 s sensor timeout


class KnownPartitions:
    """The `part_numbers` keys in partition order, read from the instance only when a tick needs them
    (an idle tick, every 15 s, must not load 100,000 keys)."""

    def __init__(self, load: Callable[[], list[str]]):
        self._load = load
        self._ordered: list[str] | None = None
        self._set: set[str] = set()

    def ordered(self) -> list[str]:
        if self._ordered is None:
            self._ordered = list(self._load())
            self._set = set(self._ordered)
        return self._ordered

    def add_new(self, parts: list[str]) -> list[str]:
        """Append the parts not known yet; return them."""
        ordered = self.ordered()
        fresh = [p for p in dict.fromkeys(parts) if p not in self._set]
        self._set.update(fresh)
        ordered.extend(fresh)
        return fresh


@dataclass
class BatchRun:
    batch: dict
    parts: list[str]


@dataclass
class TickPlan:
    runs: list[BatchRun] = field(default_factory=list)
    new_partitions: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    waiting: dict[str, list[int]] = field(default_factory=dict)


def _request(plan: TickPlan, batch: dict, parts: list[str], known: KnownPartitions) -> None:
    plan.new_partitions += known.add_new(parts)
    plan.runs.append(BatchRun(batch, parts))


def reconcile_pending(intake: IntakeStore, run_for_key: Callable[[str], str | None], known: KnownPartitions, plan: TickPlan) -> None:
    """Plan again any batch recorded by a tick that died before cutting it into runs (chunk
    planning is idempotent per batch; `run_for_key` is kept for the signature's callers)."""
    for batch in intake.pending():
        _request(plan, batch, intake.parts(batch["id"]), known)


def _reject(file: InboxFile, sha: str, reason: str, inbox: InboxResource, intake: IntakeStore, plan: TickPlan) -> None:
    batch_id = intake.record_rejected(file.relative, sha, file.target, reason)
    inbox.move(file, "rejected", {".reason.txt": f"{reason}\n".encode()})
    plan.messages.append(f"{file.relative}: rejected (batch {batch_id}): {reason}")


def _line_notes(parsed) -> dict[str, bytes] | None:
    return {".rejected-lines.csv": rejected_lines_csv(parsed.rejected)} if parsed.rejected else None


def handle_file(file: InboxFile, inbox: InboxResource, intake: IntakeStore, known: KnownPartitions, plan: TickPlan, max_parts: int) -> None:
    """Take in one complete inbox entry. Only a regular file is read; a symlink, FIFO or device is
    refused unread (its sha256 is that of no bytes) and moved, the entry itself, to `rejected/`."""
    refused = None
    try:
        with inbox.open_regular(file) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:  # refuse before reading it all into memory
                sha, refused = hashlib.file_digest(fh, "sha256").hexdigest(), too_large(size)
            else:
                content = fh.read()
                sha = hashlib.sha256(content).hexdigest()
    except NotRegularFile as exc:
        sha, refused = hashlib.sha256(b"").hexdigest(), not_a_regular_file(exc.kind, exc.link_target)
    rejected_before = intake.find_rejected(sha, file.relative, since_ns=file.mtime_ns)
    if rejected_before:  # the tick that rejected it died before moving it
        inbox.move(file, "rejected", {".reason.txt": f"{rejected_before['reason']}\n".encode()})
        plan.messages.append(f"{file.relative}: resumed rejection (batch {rejected_before['id']})")
        return
    if refused:
        _reject(file, sha, refused, inbox, intake, plan)
        return
    existing = intake.find_accepted(sha)
    if existing and existing["file_name"] == file.relative and existing["status"] == "requested":
        # The tick that recorded it died before moving it: move it now, with its bad lines listed as usual.
        inbox.move(file, "processed", _line_notes(parse_intake_file(file.path.name, content, max_parts=max_parts)))
        plan.messages.append(f"{file.relative}: resumed batch {existing['id']}")
        return
    if existing:
        dup = intake.record_duplicate(file.relative, sha, file.target, existing)
        canceled = "; it was canceled: resume it with resume_intake_batch" if existing["status"] == "canceled" else ""
        note = (f"same content (sha256 {sha}) as batch {existing['id']} ({existing['file_name']}); "
                f"nothing new started{canceled}\n")
        inbox.move(file, "processed", {".duplicate.txt": note.encode()})
        plan.messages.append(f"{file.relative}: same content as batch {existing['id']} ({existing['file_name']}), recorded as {dup}; nothing new started")
        return
    try:
        parsed = parse_intake_file(file.path.name, content, max_parts=max_parts)
    except FileRejected as exc:
        _reject(file, sha, str(exc), inbox, intake, plan)
        return
    counts = {"lines": parsed.lines, "accepted": len(parsed.part_numbers), "rejected": len(parsed.rejected), "duplicates": parsed.duplicates}
    batch = intake.record_batch(file.relative, sha, file.target, counts, parsed.part_numbers, encoding=parsed.encoding)
    inbox.move(file, "processed", _line_notes(parsed))
    new_before = len(plan.new_partitions)
    _request(plan, batch, parsed.part_numbers, known)
    plan.messages.append(
        f"{file.relative}: batch {batch['id']}, read as {parsed.encoding or 'an .xlsx workbook'}, "
        f"{counts['accepted']} parts ({len(plan.new_partitions) - new_before} new), "
        f"{counts['rejected']} lines rejected, {counts['duplicates']} duplicates"
    )


def scan_inbox(
    inbox: InboxResource,
    intake: IntakeStore,
    known: KnownPartitions,
    previous: dict[str, list[int]],
    run_for_key: Callable[[str], str | None],
    max_parts: int,
) -> TickPlan:
    """Plan one tick: reconcile, then take each entry that stopped changing since the last tick.
    A folder is left in place (moving it could sweep away files someone is still writing) and named every tick."""
    plan, started = TickPlan(), time.monotonic()
    reconcile_pending(intake, run_for_key, known, plan)
    taken = 0
    for file in inbox.candidates():
        if file.kind == DIRECTORY:
            plan.messages.append(
                f"{file.relative}/: a folder, left in place and not read; the inbox takes files only, drop the files themselves"
            )
            continue
        seen = [file.size, file.mtime_ns]
        if previous.get(file.relative) != seen:
            plan.waiting[file.relative] = seen
            plan.messages.append(f"{file.relative}: waiting one more tick to be sure it is completely written")
            continue
        if taken >= MAX_FILES_PER_TICK or time.monotonic() - started > TICK_BUDGET_SECONDS:
            plan.waiting[file.relative] = seen
            continue
        try:
            handle_file(file, inbox, intake, known, plan, max_parts)
        except OSError as exc:  # unreadable, vanished or unmovable: leave it, never block the files behind it
            plan.waiting[file.relative] = seen
            plan.messages.append(f"{file.relative}: could not be taken in ({exc.strerror or exc}); trying again next tick")
        taken += 1
    return plan
