"""The bounded inference queue: first come first served, a place in line for each waiting request, a clear refusal
past the bound, no leak when a waiting visitor leaves, and generation time that excludes the wait (also on the
WaveNet page)."""
from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

from models.inference_queue import InferenceQueue, QueueFull, QueueTimeout, queue_for

ROOT = Path(__file__).resolve().parents[1]


def test_waiting_requests_learn_their_place_and_run_in_order():
    q = InferenceQueue("toy", max_running=1, max_waiting=3)
    release = threading.Event()
    order, places = [], {i: [] for i in range(3)}

    def holder():
        with q.turn():
            release.wait(10)
            order.append("holder")

    def waiter(i):
        with q.turn(on_wait=places[i].append):
            order.append(i)

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    time.sleep(0.1)
    for i in range(3):
        threads.append(threading.Thread(target=waiter, args=(i,)))
        threads[-1].start()
        time.sleep(0.1)  # arrive one after another
    assert q.snapshot() == (1, 3)
    with pytest.raises(QueueFull, match="busy: 1 request\\(s\\) running and 3 waiting.*Try again"):
        with q.turn():
            pass
    release.set()
    for t in threads:
        t.join(10)
    assert order == ["holder", 0, 1, 2]
    assert places[0][0] == 1 and places[1][0] == 2 and places[2][0] == 3
    assert places[2] == sorted(places[2], reverse=True)  # the place only moves forward
    assert q.snapshot() == (0, 0)


def test_a_visitor_who_leaves_while_waiting_frees_the_place():
    q = InferenceQueue("toy", max_running=1, max_waiting=1)

    class Left(Exception):
        pass

    def leave(place):
        raise Left  # what Streamlit raises in a script thread when its session ends

    with q.turn():
        with pytest.raises(Left):
            with q.turn(on_wait=leave):
                pass
        assert q.snapshot() == (1, 0)
        q.max_wait_s = 0.3
        with pytest.raises(QueueTimeout, match="Try again later"):
            with q.turn():
                pass
    assert q.snapshot() == (0, 0)


def test_the_turn_reports_the_wait_apart_from_the_run():
    q = InferenceQueue("toy")
    holding = threading.Event()

    def holder():
        with q.turn():
            holding.set()
            time.sleep(0.8)

    t = threading.Thread(target=holder)
    t.start()
    holding.wait(5)
    with q.turn() as turn:
        time.sleep(0.1)
        run = turn.elapsed()
    t.join()
    assert turn.waited_s >= 0.6 and 0.1 <= run < 0.5


def test_wavenet_page_reports_generation_time_without_the_wait():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "pages" / "wavenet_audio.py"), default_timeout=300).run()
    assert not at.exception
    at.text_area(key="wn_notes").set_value("C4:0.5").run()
    generate = next(b for b in at.button if "Generate" in b.label)
    generate.click().run()  # warm up (the sampling loop may compile on first use)
    q = queue_for("wavenet-instruments")
    holding = threading.Event()

    def holder():
        with q.turn():
            holding.set()
            time.sleep(2.0)

    t = threading.Thread(target=holder)
    t.start()
    holding.wait(5)
    generate = next(b for b in at.button if "Generate" in b.label)
    generate.click().run()
    t.join()
    assert not at.exception and not at.error, [e.value for e in at.error]
    caption = next(c.value for c in at.caption if "generated in" in c.value)
    generated = float(re.search(r"generated in ([\d.]+) s", caption).group(1))
    waited = float(re.search(r"waited ([\d.]+) s", caption).group(1))
    assert waited >= 1.5 and generated < waited, caption


def test_wavenet_page_turns_away_past_the_bound(monkeypatch):
    from streamlit.testing.v1 import AppTest
    q = queue_for("wavenet-instruments")
    monkeypatch.setattr(q, "max_waiting", 0)
    at = AppTest.from_file(str(ROOT / "pages" / "wavenet_audio.py"), default_timeout=300).run()
    with q.turn():
        next(b for b in at.button if "Generate" in b.label).click().run()
    assert not at.exception
    assert any("busy" in w.value and "Try again" in w.value for w in at.warning), [w.value for w in at.warning]


def test_colorizer_page_turns_away_past_the_bound(monkeypatch):
    from streamlit.testing.v1 import AppTest
    q = queue_for("pix2pix-openmoji")
    monkeypatch.setattr(q, "max_waiting", 0)
    at = AppTest.from_file(str(ROOT / "pages" / "sketch_colorizer.py"), default_timeout=300)
    samples = json.loads((ROOT / "pages" / "samples" / "samples.json").read_text())
    at.query_params["sample"] = next(iter(samples))
    with q.turn():  # another visitor's request is running
        at.run()
    assert not at.exception
    assert any("busy" in w.value for w in at.warning), [w.value for w in at.warning]


def test_each_turn_hands_freed_memory_back(monkeypatch):
    from models import inference_queue
    calls = []
    monkeypatch.setattr(inference_queue, "release_freed_memory", lambda: calls.append(1) or True)
    q = InferenceQueue("toy")
    with q.turn():
        pass
    assert calls == [1]
    assert inference_queue._malloc_trim is not None  # this is glibc Linux, as the server is
