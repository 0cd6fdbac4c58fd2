"""A bounded inference queue per model: who runs now, who waits (and where in line), who is turned away.

One server process serves every visitor. A model runs one request at a time (its forward pass holds a lock), so
without a queue the sixth simultaneous visitor waits a minute in silence and sees the wait reported as generation
time. queue_for(name).turn() admits at most MAX_RUNNING requests at once and MAX_WAITING more in first-come order;
a request beyond that gets QueueFull at once, and one that waited longer than MAX_WAIT_S gets QueueTimeout, each
with a message saying what to do. While waiting, on_wait(place) is called whenever the place in line changes
(1 = next), so a page can tell the visitor. The Turn it yields records the wait, so the page can report the
generation time without it. After each turn the freed heap is handed back to the OS (glibc malloc_trim), so one
large request does not leave the server's RSS high for good. No Streamlit here: the pages and the CLI share it.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from models import limits

MAX_RUNNING = limits.MAX_RUNNING  # requests of one model computing at once (the model's lock serializes them anyway)
MAX_WAITING = limits.MAX_WAITING  # requests of one model waiting behind those; the next is turned away
MAX_WAIT_S = limits.MAX_WAIT_S  # longest wait in line before giving up
POLL_S = 0.25  # how often a waiting request rechecks (its visitor may have left)


def _load_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        return None


_malloc_trim = _load_trim()


def release_freed_memory() -> bool:
    """Return freed heap pages to the OS; True where that is possible (glibc)."""
    if _malloc_trim is None:
        return False
    _malloc_trim(0)
    return True


class QueueFull(RuntimeError):
    """Too many requests for this model are already waiting; the message says to try again shortly."""


class QueueTimeout(RuntimeError):
    """The request waited longer than the queue's limit."""


@dataclass
class Turn:
    """One request's time in the queue: waited_s before it started; started (monotonic) once it runs."""
    ticket: int
    waited_s: float = 0.0
    started: float = field(default=0.0)

    def elapsed(self) -> float:
        """Seconds since the request started running (the wait excluded)."""
        return time.monotonic() - self.started


class InferenceQueue:
    def __init__(self, name: str, max_running: int = MAX_RUNNING, max_waiting: int = MAX_WAITING,
                 max_wait_s: float = MAX_WAIT_S):
        self.name = name
        self.max_running = max_running
        self.max_waiting = max_waiting
        self.max_wait_s = max_wait_s
        self._cond = threading.Condition()
        self._tickets = itertools.count(1)
        self._running: set[int] = set()
        self._waiting: list[int] = []  # first come, first served

    def snapshot(self) -> tuple[int, int]:
        """(running, waiting) now."""
        with self._cond:
            return len(self._running), len(self._waiting)

    @contextlib.contextmanager
    def turn(self, on_wait: Callable[[int], None] | None = None) -> Iterator[Turn]:
        """Wait for this model's turn (raising QueueFull / QueueTimeout), run the block, then let the next one in."""
        t0 = time.monotonic()
        with self._cond:
            if len(self._running) >= self.max_running and len(self._waiting) >= self.max_waiting:
                raise QueueFull(
                    f"The {self.name} model is busy: {len(self._running)} request(s) running and "
                    f"{len(self._waiting)} waiting, the most this server queues. Try again in a minute.")
            turn = Turn(next(self._tickets))
            self._waiting.append(turn.ticket)
        try:
            last_place = None
            while True:
                with self._cond:
                    place = self._waiting.index(turn.ticket) + 1
                    if place == 1 and len(self._running) < self.max_running:
                        self._waiting.remove(turn.ticket)
                        self._running.add(turn.ticket)
                        break
                    if time.monotonic() - t0 > self.max_wait_s:
                        raise QueueTimeout(
                            f"Waited {self.max_wait_s:.0f} s for the {self.name} model without getting a turn: the "
                            "server is very busy. Try again later.")
                    if place != last_place:
                        last_place = place
                        notify = True
                    else:
                        notify = False
                        self._cond.wait(POLL_S)
                if notify and on_wait is not None:
                    on_wait(place)  # outside the lock: it may draw on a page (or raise when the visitor left)
        except BaseException:
            with self._cond:
                if turn.ticket in self._waiting:
                    self._waiting.remove(turn.ticket)
                self._cond.notify_all()
            raise
        turn.waited_s = time.monotonic() - t0
        turn.started = time.monotonic()
        try:
            yield turn
        finally:
            with self._cond:
                self._running.discard(turn.ticket)
                self._cond.notify_all()
            release_freed_memory()


_queues: dict[str, InferenceQueue] = {}
_queues_lock = threading.Lock()


def queue_for(name: str) -> InferenceQueue:
    """The process-wide queue of one model (or of the group it shares a line with, limits.SHARED_QUEUES)."""
    name = limits.SHARED_QUEUES.get(name, name)
    with _queues_lock:
        if name not in _queues:
            _queues[name] = InferenceQueue(name)
        return _queues[name]
