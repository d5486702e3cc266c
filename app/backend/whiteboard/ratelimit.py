"""Token buckets: per connection (messages) and per client address (boards, sockets).

Limits per address are counted on each instance separately.
"""

import time

# Forget idle addresses beyond this many, oldest first, to bound memory.
MAX_TRACKED_ADDRESSES = 100_000


class TokenBucket:
    """Allows ``rate`` events per second on average and ``burst`` at once."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = time.monotonic()

    def take(self, count: int = 1) -> bool:
        """Use ``count`` tokens if there are that many; otherwise use none."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < count:
            return False
        self.tokens -= count
        return True


class AddressLimiter:
    """One token bucket per client address, allowing ``per_minute`` events."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, TokenBucket] = {}

    def allow(self, address: str) -> bool:
        """Count one event for ``address``; False when it is over its limit."""
        bucket = self._buckets.pop(address, None)
        if bucket is None:
            bucket = TokenBucket(self.per_minute / 60, self.per_minute)
        self._buckets[address] = bucket  # re-inserted: most recently used last
        if len(self._buckets) > MAX_TRACKED_ADDRESSES:
            del self._buckets[next(iter(self._buckets))]
        return bucket.take()
