"""Recent snapshots of large boards, kept by each instance as JSON text.

An entry is the elements array of one board at one ``seq``. Every change to a
board's elements raises its ``seq`` in the same transaction, whichever instance
made it, so the text read for a (board, seq) never changes: an entry is used
only when the board row, read in the same transaction, still has that ``seq``.
A deleted board has no row, so its entry is never used again and ages out.
"""

from collections import OrderedDict

# Small boards are read quickly enough; keeping them would only push out others.
SNAPSHOT_CACHE_MIN_CHARS = 256 * 1024
SNAPSHOT_CACHE_BUDGET_CHARS = 64 * 1024 * 1024


class SnapshotCache:
    """The latest snapshot text per board, least recently used out first."""

    def __init__(
        self,
        budget_chars: int = SNAPSHOT_CACHE_BUDGET_CHARS,
        min_chars: int = SNAPSHOT_CACHE_MIN_CHARS,
    ) -> None:
        self.budget_chars = budget_chars
        self.min_chars = min_chars
        self.used_chars = 0
        self._entries: OrderedDict[str, tuple[int, str]] = OrderedDict()

    def get(self, board_id: str, seq: int) -> str | None:
        """The elements of ``board_id`` at ``seq``, if kept."""
        entry = self._entries.get(board_id)
        if entry is None or entry[0] != seq:
            return None
        self._entries.move_to_end(board_id)
        return entry[1]

    def put(self, board_id: str, seq: int, elements: str) -> None:
        """Keep the elements of ``board_id`` at ``seq`` unless a later seq is kept."""
        if not self.min_chars <= len(elements) <= self.budget_chars:
            return
        kept = self._entries.get(board_id)
        if kept is not None:
            if kept[0] > seq:
                return
            self._drop(board_id)
        self._entries[board_id] = (seq, elements)
        self.used_chars += len(elements)
        while self.used_chars > self.budget_chars:
            self._drop(next(iter(self._entries)))

    def _drop(self, board_id: str) -> None:
        _, elements = self._entries.pop(board_id)
        self.used_chars -= len(elements)
