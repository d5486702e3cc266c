"""The objects a running instance shares between requests, built once it is ready."""

from dataclasses import dataclass, field

from whiteboard.config import Settings
from whiteboard.db import Database
from whiteboard.links import LinkSigner
from whiteboard.ratelimit import AddressLimiter
from whiteboard.realtime.hub import Hub
from whiteboard.realtime.live import LiveRelay
from whiteboard.realtime.writer import BoardWriters


@dataclass
class Limiters:
    """Per-address limits of this instance."""

    board_creation: AddressLimiter
    connections: AddressLimiter

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limiters":
        """Limiters with the configured rates."""
        return cls(
            AddressLimiter(settings.boards_per_minute_per_address),
            AddressLimiter(settings.connections_per_minute_per_address),
        )


@dataclass
class Services:
    """Database pools, fan-out and signing, for handlers."""

    settings: Settings
    db: Database
    hub: Hub
    relay: LiveRelay
    writers: BoardWriters
    signer: LinkSigner
    limiters: Limiters = field(init=False)

    def __post_init__(self) -> None:
        self.limiters = Limiters.from_settings(self.settings)
