"""Running under uvicorn with a drain on SIGTERM (used by ``python -m whiteboard``).

Plain uvicorn closes every WebSocket with 1012 as soon as it is told to stop. This
server first tells each client to reconnect elsewhere, lets pending writes finish,
and only then lets uvicorn shut down, all within SHUTDOWN_GRACE_SECONDS.
"""

import asyncio
import os
import signal
import socket
import threading
from types import FrameType

import structlog
import uvicorn

from whiteboard.config import Settings, get_settings
from whiteboard.lifecycle import drain
from whiteboard.main import app

log = structlog.get_logger(__name__)


class DrainingServer(uvicorn.Server):
    """A uvicorn server whose first SIGTERM or SIGINT starts a drain."""

    def __init__(self, config: uvicorn.Config, grace_seconds: float) -> None:
        super().__init__(config)
        self.grace_seconds = grace_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drain_task: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Remember the loop, then start as usual."""
        self._loop = asyncio.get_running_loop()
        await super().startup(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Drain on the first signal; a second one stops at once."""
        if self._loop is None or self._drain_task is not None or not self.started:
            super().handle_exit(sig, frame)
            return
        self._loop.call_soon_threadsafe(self._start_drain, sig, frame)
        # Whatever happens, the process ends within the grace period.
        guard = threading.Timer(self.grace_seconds, os._exit, args=(1,))
        guard.daemon = True
        guard.start()

    def _start_drain(self, sig: int, frame: FrameType | None) -> None:
        self._drain_task = asyncio.create_task(self._drain_then_exit(sig, frame))

    async def _drain_then_exit(self, sig: int, frame: FrameType | None) -> None:
        log.info("stop requested", signal=signal.Signals(sig).name)
        await drain(app, self.grace_seconds / 2)
        super().handle_exit(sig, frame)


def run(settings: Settings | None = None) -> None:
    """Serve on 0.0.0.0:PORT until stopped."""
    settings = settings or get_settings()
    grace = settings.shutdown_grace_seconds
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        ws_max_size=settings.ws_frame_limit_bytes,
        timeout_graceful_shutdown=max(1, int(grace / 4)),
        # The client address comes from TRUSTED_PROXY_HOPS (whiteboard.addresses).
        proxy_headers=False,
        log_config=None,
        access_log=False,
    )
    DrainingServer(config, grace_seconds=grace).run()
