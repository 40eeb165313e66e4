"""A pasted part list becomes an intake batch exactly as a dropped `.txt` file does.

Same parser (lines, `,` `;` separators, `#` comments, the part-number rules and their
reasons), same limit (MAX_PARTS_PER_FILE), same idempotence by content (sha256 of the list
as a `.txt` file: one part per line, so the same list pasted twice, or as a file, is one
batch), and the same chunk runs: the batch is recorded `requested`, and the inbox sensor
cuts it into chunks on its next tick as it does for a file recorded by a tick that died.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from boeinghub_dagster.domain.intake import FileRejected, RejectedLine
from boeinghub_dagster.resources.intake_parser import parse_bounded
from boeinghub_dagster.resources.store.intake import IntakeStore

PASTED_AS = "pasted.txt"  # the list is read as a .txt file
REASON_LINES = 3  # rejected lines named in the batch view's `reason`; the run's metadata lists them all


class NotAPartList(ValueError):
    """`part_numbers` is neither text nor a list of strings."""


def list_text(part_numbers: object) -> str:
    """The list as the text of a `.txt` file: pasted text as it is, a list one entry a line."""
    if isinstance(part_numbers, str):
        text = part_numbers
    elif isinstance(part_numbers, list) and all(isinstance(p, str) for p in part_numbers):
        text = "\n".join(part_numbers)
    else:
        raise NotAPartList(
            "part_numbers must be pasted text (one string: part numbers on lines, or separated by , or ;) "
            f"or a list of strings; got {type(part_numbers).__name__}"
        )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


@dataclass
class PastedBatch:
    outcome: str  # accepted | duplicate | rejected
    batch_id: int
    message: str
    parts: list[str] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    duplicate_of: dict | None = None


def rejected_summary(rejected: list[RejectedLine], run_id: str) -> str:
    named = "; ".join(f"line {r.line} {r.value!r}: {r.reason}" for r in rejected[:REASON_LINES])
    more = f"; {len(rejected) - REASON_LINES} more" if len(rejected) > REASON_LINES else ""
    lines = f"{len(rejected)} line{'s' if len(rejected) != 1 else ''}"
    return f"{lines} rejected: {named}{more} (all in run {run_id[:8]}'s metadata)"


def record_part_list(
    intake: IntakeStore, part_numbers: object, target: str, name: str, max_parts: int, run_id: str
) -> PastedBatch:
    """Record the list as a batch (or a duplicate, or a rejection, with its reason)."""
    content = list_text(part_numbers).encode("utf-8")
    sha = hashlib.sha256(content).hexdigest()
    existing = intake.find_accepted(sha)
    if existing:
        dup = intake.record_duplicate(name, sha, target, existing)
        hint = "; it was canceled: resume it with resume_intake_batch" if existing["status"] == "canceled" else ""
        message = (
            f"same list (sha256 {sha[:12]}…) as batch {existing['id']} ({existing['file_name']}); nothing new started"
        )
        return PastedBatch("duplicate", dup, message + hint, duplicate_of=existing)
    try:
        parsed = parse_bounded(PASTED_AS, content, max_parts)  # as the inbox parses a .txt: any error is a reason
    except FileRejected as exc:
        batch_id = intake.record_rejected(name, sha, target, str(exc))
        return PastedBatch("rejected", batch_id, f"list refused (batch {batch_id}): {exc}")
    counts = {
        "lines": parsed.lines,
        "accepted": len(parsed.part_numbers),
        "rejected": len(parsed.rejected),
        "duplicates": parsed.duplicates,
    }
    reason = rejected_summary(parsed.rejected, run_id) if parsed.rejected else None
    batch = intake.record_batch(name, sha, target, counts, parsed.part_numbers, encoding=parsed.encoding, reason=reason)
    message = (
        f"batch {batch['id']} ({name}): {counts['accepted']} parts, {counts['rejected']} lines rejected, "
        f"{counts['duplicates']} duplicates; the inbox sensor starts its runs on its next tick"
    )
    return PastedBatch("accepted", batch["id"], message, parsed.part_numbers, parsed.rejected, counts)
