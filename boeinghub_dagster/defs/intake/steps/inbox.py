"""One inbox tick as plain functions: which entries are complete, what each becomes.

Per entry: its name first (`domain.intake_names`: refused, waiting with a reason, or taken), then
its size from the listing alone (an oversized file is refused unread, never hashed), then one
bounded read that must see a single unchanged version of the file (else it waits for the next
tick, never half-taken), then a parse within bounds (`resources.intake_parser`) between a durable
"parsing began" mark and its removal. A mark found by a later tick means the process died while
parsing that file version: the file is refused, never parsed again.

Recording and moving: an accepted or rejected file is recorded, then moved. A crash between the
two leaves the file in the inbox with its row; the next tick finds that row (same name and
content, recorded after the file was written) and only moves the file. A duplicate is moved
first and recorded after, so a file that cannot move never adds a row. Pending batches are
reconciled every tick, so a run request lost with a crashed tick is made again. Every name the
tick shows (log, skip reason, store, run tags, batch view) is escaped.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from boeinghub_dagster.domain.clock import aware
from boeinghub_dagster.domain.intake import (
    MAX_FILE_BYTES,
    FileRejected,
    not_a_regular_file,
    rejected_lines_csv,
    too_large,
)
from boeinghub_dagster.domain.intake_names import TAKE, NameVerdict, escape_name, judge_name, safe_name
from boeinghub_dagster.resources.inbox import DIRECTORY, REGULAR, FileChanged, Inbox, InboxFile, NotRegularFile
from boeinghub_dagster.resources.intake_parser import parse_bounded
from boeinghub_dagster.resources.store.intake import IntakeStore

MAX_FILES_PER_TICK = 20
TICK_BUDGET_SECONDS = 30.0  # plus one parse (at most 15 s): far under the 60 s sensor timeout
UNREAD_SHA256 = hashlib.sha256(b"").hexdigest()  # recorded for an entry refused without reading it


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


def reconcile_pending(
    intake: IntakeStore, run_for_key: Callable[[str], str | None], known: KnownPartitions, plan: TickPlan
) -> None:
    """Plan again any batch recorded by a tick that died before cutting it into runs (chunk
    planning is idempotent per batch; `run_for_key` is kept for the signature's callers)."""
    for batch in intake.pending():
        _request(plan, batch, intake.parts(batch["id"]), known)


def _kept_as(moved: PurePath, file: InboxFile) -> str:
    return "" if moved.name == file.name else f" (kept as {moved.parent.name}/{escape_name(moved.name)})"


def _reject(file: InboxFile, label: str, sha: str, reason: str, ctx: _Tick, name: str | None = None) -> None:
    batch_id = ctx.intake.record_rejected(label, sha, file.target, reason)
    moved = ctx.inbox.move(file, "rejected", {".reason.txt": f"{reason}\n".encode()}, name=name)
    ctx.plan.messages.append(f"{label}: rejected (batch {batch_id}): {reason}{_kept_as(moved, file)}")


def _line_notes(parsed) -> dict[str, bytes] | None:
    return {".rejected-lines.csv": rejected_lines_csv(parsed.rejected)} if parsed and parsed.rejected else None


@dataclass
class _Tick:
    inbox: Inbox
    intake: IntakeStore
    known: KnownPartitions
    plan: TickPlan
    max_parts: int


def _arrived_ns(file: InboxFile) -> int:
    """When the file last changed or arrived: its ctime (which `cp -p` cannot set back), else its mtime."""
    return max(file.mtime_ns, file.ctime_ns)


def _recorded_since(row: dict, file: InboxFile) -> bool:
    return aware(row["created_at"]).timestamp() * 1e9 >= _arrived_ns(file)


def _parse(file: InboxFile, label: str, sha: str, content: bytes, ctx: _Tick):
    """(parse, None) or (None, reason), with the "parsing began" mark around it; a mark left by a process
    that died while parsing this very file version refuses it instead."""
    began = ctx.intake.parse_began(label, sha)
    if began is not None:
        ctx.intake.end_parse(label, sha)
        return None, (
            f"parsing began at {began:%Y-%m-%d %H:%M:%S} UTC and never finished: the hub's process stopped while "
            "reading this file, so it is not read again; if the hub was restarted for another reason, drop it again"
        )
    ctx.intake.begin_parse(label, sha)
    try:
        return parse_bounded(file.name, content, ctx.max_parts), None
    except FileRejected as exc:
        return None, str(exc)
    finally:
        ctx.intake.end_parse(label, sha)  # any end but the process's death


def handle_file(
    file: InboxFile,
    inbox: Inbox,
    intake: IntakeStore,
    known: KnownPartitions,
    plan: TickPlan,
    max_parts: int,
    verdict: NameVerdict = TAKE,
) -> None:
    """Take in one complete inbox entry. Only a regular file within the size limit is read; anything
    else is refused unread (sha256 of no bytes) and moved, the entry itself, to `rejected/`."""
    ctx = _Tick(inbox, intake, known, plan, max_parts)
    label, sha, content, refused, rename = escape_name(file.relative), UNREAD_SHA256, b"", None, None
    if verdict.action == "refuse":
        refused, rename = verdict.reason, safe_name(file.name)
    elif file.kind == REGULAR and file.size > MAX_FILE_BYTES:
        refused = f"{too_large(file.size, MAX_FILE_BYTES)} (refused from its size, unread)"
    else:
        try:
            content = ctx.inbox.read(file, MAX_FILE_BYTES)
            sha = hashlib.sha256(content).hexdigest()
        except NotRegularFile as exc:
            refused = not_a_regular_file(exc.kind, exc.link_target)
        except FileChanged as exc:
            ctx.plan.messages.append(f"{label}: {exc}; left for the next tick")
            return
    before = ctx.intake.find_rejected(sha, label, since_ns=_arrived_ns(file))
    if before:  # the tick that rejected it died before moving it
        moved = ctx.inbox.move(file, "rejected", {".reason.txt": f"{before['reason']}\n".encode()}, name=rename)
        ctx.plan.messages.append(f"{label}: resumed rejection (batch {before['id']}){_kept_as(moved, file)}")
        return
    if refused:
        _reject(file, label, sha, refused, ctx, rename)
        return
    existing = ctx.intake.find_accepted(sha)
    mine = existing and existing["file_name"] == label
    if mine and (existing["status"] == "requested" or _recorded_since(existing, file)):
        # The tick that recorded it died before moving it: move it now, with its bad lines listed as usual.
        parsed, _ = _parse(file, label, sha, content, ctx)
        ctx.inbox.move(file, "processed", _line_notes(parsed))
        ctx.plan.messages.append(f"{label}: resumed batch {existing['id']}")
        return
    if existing:
        canceled = "; it was canceled: resume it with resume_intake_batch" if existing["status"] == "canceled" else ""
        note = (
            f"same content (sha256 {sha}) as batch {existing['id']} ({existing['file_name']}); "
            f"nothing new started{canceled}\n"
        )
        moved = ctx.inbox.move(file, "processed", {".duplicate.txt": note.encode()})
        dup = ctx.intake.record_duplicate(label, sha, file.target, existing)
        ctx.plan.messages.append(
            f"{label}: same content as batch {existing['id']} ({existing['file_name']}), recorded as {dup}; "
            f"nothing new started{_kept_as(moved, file)}"
        )
        return
    parsed, reason = _parse(file, label, sha, content, ctx)
    if reason:
        _reject(file, label, sha, reason, ctx)
        return
    if not ctx.inbox.unchanged(file):  # a writer came back while it was parsed: take it whole, later
        ctx.plan.messages.append(f"{label}: it changed while being read; left for the next tick")
        return
    counts = {
        "lines": parsed.lines,
        "accepted": len(parsed.part_numbers),
        "rejected": len(parsed.rejected),
        "duplicates": parsed.duplicates,
    }
    batch = ctx.intake.record_batch(label, sha, file.target, counts, parsed.part_numbers, encoding=parsed.encoding)
    moved = ctx.inbox.move(file, "processed", _line_notes(parsed))
    new_before = len(ctx.plan.new_partitions)
    _request(ctx.plan, batch, parsed.part_numbers, ctx.known)
    ctx.plan.messages.append(
        f"{label}: batch {batch['id']}, read as {parsed.encoding or 'an .xlsx workbook'}, "
        f"{counts['accepted']} parts ({len(ctx.plan.new_partitions) - new_before} new), "
        f"{counts['rejected']} lines rejected, {counts['duplicates']} duplicates{_kept_as(moved, file)}"
    )


def scan_inbox(
    inbox: Inbox,
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
    taken, deferred, now_ns = 0, 0, time.time_ns()
    for file in inbox.candidates():
        label = escape_name(file.relative)
        if file.kind == DIRECTORY:
            plan.messages.append(
                f"{label}/: a folder, left in place and not read; the inbox takes files only, drop the files themselves"
            )
            continue
        verdict = judge_name(file.name, (now_ns - file.mtime_ns) / 1e9)
        if verdict.action == "wait":
            plan.messages.append(f"{label}: {verdict.reason}")
            continue
        seen = list(file.version)
        if previous.get(file.relative) != seen:
            plan.waiting[file.relative] = seen
            plan.messages.append(f"{label}: waiting one more tick to be sure it is completely written")
            continue
        if taken >= MAX_FILES_PER_TICK or time.monotonic() - started > TICK_BUDGET_SECONDS:
            plan.waiting[file.relative] = seen
            deferred += 1
            continue
        try:
            handle_file(file, inbox, intake, known, plan, max_parts, verdict)
        except Exception as exc:  # unreadable, vanished, unmovable, or a bug: leave it, never block the files behind it
            plan.waiting[file.relative] = seen
            why = (exc.strerror or str(exc)) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
            plan.messages.append(
                f"{label}: could not be taken in ({escape_name(str(why))[:300]}); trying again next tick"
            )
        taken += 1
    if deferred:
        plan.messages.append(f"{deferred} more complete file(s) left for the next tick ({taken} taken in this one)")
    return plan
