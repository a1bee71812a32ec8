"""Answers kept per copy of the store: the copy the server reads never changes, so a page asked for twice is the
same page. Keyed by the copy's number, the path, the query and whether JSON was asked for; forgotten, all at once,
when a newer copy comes in, and the least recently used first beyond ``max_bytes``.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable

MAX_BYTES = 64 * 2**20
MAX_ENTRY_BYTES = 2 * 2**20


def _wants_json(scope: dict[str, Any]) -> bool:
    accept = next((v for k, v in scope.get("headers", []) if k == b"accept"), b"").decode("latin-1")
    return "application/json" in accept and "text/html" not in accept


class ResponseCache:
    """ASGI middleware: replays a 200 answer to a GET already made on the same copy of the store.

    ``generation()`` gives the number of the copy in use (see :mod:`frontlines.serve.snapshots`).
    """

    def __init__(self, app: Callable, generation: Callable[[], int], max_bytes: int = MAX_BYTES) -> None:
        self.app, self.generation, self.max_bytes = app, generation, max_bytes
        self.entries: OrderedDict[tuple, tuple[dict, list[dict]]] = OrderedDict()
        self.size, self.seen, self.lock = 0, -1, threading.Lock()
        self.hits = self.misses = 0

    def _get(self, key: tuple) -> tuple[dict, list[dict]] | None:
        with self.lock:
            if key[0] != self.seen:
                self.entries.clear()
                self.size, self.seen = 0, key[0]
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return found

    def _put(self, key: tuple, start: dict, bodies: list[dict]) -> None:
        size = sum(len(b.get("body", b"")) for b in bodies)
        if size > MAX_ENTRY_BYTES:
            return
        with self.lock:
            if key[0] != self.seen or key in self.entries:
                return
            self.entries[key] = (start, bodies)
            self.size += size
            while self.size > self.max_bytes and self.entries:
                _, (_, old) = self.entries.popitem(last=False)
                self.size -= sum(len(b.get("body", b"")) for b in old)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path", "").startswith("/static/"):
            return await self.app(scope, receive, send)
        key = (self.generation(), scope.get("path"), scope.get("query_string", b""), _wants_json(scope))
        found = self._get(key)
        if found is not None:
            start, bodies = found
            await send(start)
            for body in bodies:
                await send(body)
            return
        messages: list[dict] = []

        async def keep(message: dict) -> None:
            messages.append(message)
            await send(message)

        await self.app(scope, receive, keep)
        if messages and messages[0]["type"] == "http.response.start" and messages[0].get("status") == 200 \
                and all(m["type"] == "http.response.body" for m in messages[1:]) \
                and not (messages[-1].get("more_body") if len(messages) > 1 else True):
            self._put(key, messages[0], messages[1:])
