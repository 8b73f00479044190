"""Server-sent events: every ledger entry, as it is written, to every open dashboard page.

One poller per process reads the ledger forward every 100 ms (only while somebody is
listening) and hands each new entry to the queues of the open streams. A page that
reconnects sends ``Last-Event-ID`` and receives what it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse

from procureflow.adapters.db.live_feed import entries_after, last_entry_id
from procureflow.adapters.db.user_store import User
from procureflow.api.auth import current_user

POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0
QUEUE_LIMIT = 2000


class LiveFeed:
    """Fans the ledger's new entries out to subscribers; polls only while one listens."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.subscribers: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self.last_id: int | None = None
        self.task: asyncio.Task[None] | None = None
        self.closing = False
        self.signals_chained = False

    async def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        """A queue receiving every entry written from now on (``None`` ends the stream)."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_LIMIT)
        self._end_streams_on_shutdown()
        if self.closing:
            queue.put_nowait(None)
            return queue
        if self.last_id is None or self.task is None or self.task.done():
            self.last_id = await asyncio.to_thread(last_entry_id, self.engine)
        self.subscribers.add(queue)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._poll())
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        """Stop delivering to ``queue``."""
        self.subscribers.discard(queue)

    def close_all(self) -> None:
        """End every open stream (the server is stopping)."""
        self.closing = True
        for queue in list(self.subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        self.subscribers.clear()

    def _end_streams_on_shutdown(self) -> None:
        # A server stops only when its responses end, and a stream never does: so the
        # stop signal (SIGTERM, Ctrl-C) first ends the streams, then does what it did.
        if self.signals_chained or threading.current_thread() is not threading.main_thread():
            return
        self.signals_chained = True
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(number)

            def handler(signum: int, frame: Any, previous: Any = previous) -> None:
                loop.call_soon_threadsafe(self.close_all)
                if callable(previous):
                    previous(signum, frame)
                elif previous == signal.SIG_DFL:
                    signal.signal(signum, signal.SIG_DFL)
                    os.kill(os.getpid(), signum)

            signal.signal(number, handler)

    async def _poll(self) -> None:
        while self.subscribers:
            try:
                entries = await asyncio.to_thread(entries_after, self.engine, self.last_id or 0)
            except Exception:  # a locked or restarting database: try again next round
                entries = []
            for entry in entries:
                self.last_id = entry["id"]
                for queue in list(self.subscribers):
                    if queue.full():  # a stalled page: drop it, it reconnects and catches up
                        self.subscribers.discard(queue)
                        queue.put_nowait(None) if not queue.full() else None
                        continue
                    queue.put_nowait(entry)
            await asyncio.sleep(POLL_SECONDS)


def feed_of(request: Request) -> LiveFeed:
    """The process's live feed (created on first use)."""
    feed = getattr(request.app.state, "live_feed", None)
    if feed is None:
        feed = LiveFeed(request.app.state.services.engine)
        request.app.state.live_feed = feed
    return feed


def _sse(entry: dict[str, Any]) -> str:
    return f"id: {entry['id']}\nevent: change\ndata: {json.dumps(entry, separators=(',', ':'))}\n\n"


router = APIRouter(include_in_schema=False)


@router.get("/live/stream")
async def stream(
    request: Request,
    _user: Annotated[User, Depends(current_user)],
    last_event_id: Annotated[str | None, Header()] = None,
    after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> StreamingResponse:
    """``text/event-stream`` of ledger changes (instance, task, approval, exception …).

    ``after`` (a page gives the ledger position it was rendered at) or ``Last-Event-ID``
    (a reconnect) replays what came since, so no change falls between page and stream.
    """
    feed = feed_of(request)
    queue = await feed.subscribe()
    missed: list[dict[str, Any]] = []
    start = after
    # a ledger id as the browser sent it back: ASCII digits in range, anything else ignored
    if last_event_id and last_event_id.isascii() and last_event_id.isdecimal():
        start = min(int(last_event_id), 2**62)
    if start is not None:
        missed = await asyncio.to_thread(entries_after, feed.engine, start)

    async def events() -> AsyncIterator[str]:
        try:
            yield "retry: 1000\n: connected\n\n"
            seen = 0
            for old in missed:
                seen = old["id"]
                yield _sse(old)
            while True:
                try:
                    entry = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                if entry is None:
                    return
                if entry["id"] > seen:
                    yield _sse(entry)
        finally:
            feed.unsubscribe(queue)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def stop_feed(feed: LiveFeed) -> None:
    """Stop the poller (app shutdown)."""
    feed.subscribers.clear()
    if feed.task is not None:
        feed.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await feed.task


__all__ = ["LiveFeed", "feed_of", "router", "stop_feed"]
