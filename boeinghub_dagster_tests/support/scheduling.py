"""How `scripts/test` (pytest-xdist, `--dist loadfile`) hands files to its workers.

Left to itself, loadfile hands out the files with the most tests first: the long end-to-end files, one to
three tests each, came last, and the suite ended on one worker running them while the other sat idle. Here
the files with a `slow` or `browser` test go first (in collection order otherwise), and the files that share
the session's live hub (`support/live_hub.shared_live_hub`: the browser tests and the secrets scan) are one
unit of work, so one worker starts that hub once instead of each worker starting its own.
"""

from __future__ import annotations

LIVE_HUB_FILES = ("boeinghub_dagster_tests/browser/", "boeinghub_dagster_tests/e2e/test_secrets_never_stored.py")
LONG_MARKS = ("slow", "browser")


def long_files_first(items: list) -> None:
    """Reorder `items` in place: every test of a file with a long test (or of the live-hub unit) first."""
    long = {
        item.nodeid.split("::", 1)[0]
        for item in items
        if any(item.get_closest_marker(m) for m in LONG_MARKS) or item.nodeid.startswith(LIVE_HUB_FILES)
    }
    items.sort(key=lambda item: (not item.nodeid.startswith(LIVE_HUB_FILES), item.nodeid.split("::", 1)[0] not in long))


def make_scheduler(config, log):
    """loadfile with the live-hub files as one unit, in collection order (not by test count)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LiveHubAsOneFile(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "live-hub" if nodeid.startswith(LIVE_HUB_FILES) else super()._split_scope(nodeid)

    config.option.loadscopereorder = False  # the order is long_files_first's
    return LiveHubAsOneFile(config, log)
