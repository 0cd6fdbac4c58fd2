"""Live sliders measured in a real headless Chromium (pages/live_generator.py), the app started as the Procfile does:

- latency from a slider's input event (the pointermove's timestamp) to the redrawn canvas (putImageData done) and to
  the next animation frame, median and p95 (targets: <= 20 ms median, <= 50 ms p95);
- frames drawn during a 2-second drag (the mouse moves every 16 ms) and how many distinct pictures they were;
- the first-load cost: bytes of ONNX Runtime Web + the model fetched from the app, and the time from the page's
  component asking for the runtime to the model being ready;
- the server's CPU time while the slider is held and dragged (before release) and for the release's rerun, and the
  server's idle CPU over the same time for comparison.

    python benchmarks/bench_live_sliders.py                       # Latent Explorer, dcgan-mnist, 3 drags
    python benchmarks/bench_live_sliders.py --page infogan_controls --drags 5

Needs ONNX Runtime Web in static/ (sh bin/fetch-onnxruntime-web) and Chromium + chromedriver (tests/install.sh).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.browser import files  # noqa: E402
from tests.support import live  # noqa: E402
from tests.support import page_actions as pa  # noqa: E402
from tests.support.app_server import procfile_app  # noqa: E402
from tests.support.browser import chromium  # noqa: E402

PAGES = {"latent_explorer": ("Latent Explorer", "le_sefa_0"), "infogan_controls": ("InfoGAN Controls", "ig_rotation")}
TICK = os.sysconf("SC_CLK_TCK")


def group_cpu_s(pgid: int) -> float:
    """user + system CPU seconds of every live process in process group pgid (the server and its children)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state ppid pgrp ... utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def quiet_server(pgid: int, limit_s: float = 120.0) -> None:
    """Wait until the server's background warm-up (every page's default model) is over: < 30 ms CPU in a second."""
    deadline = time.time() + limit_s
    while time.time() < deadline:
        before = group_cpu_s(pgid)
        time.sleep(1.0)
        if group_cpu_s(pgid) - before < 0.03:
            return


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def one_drag(driver, key: str, pgid: int, seconds: float = 2.0, ms: int = 16, span_px: int = 200) -> dict:
    """Hold the slider's thumb, move it back and forth for `seconds`, measure, then release and wait for the server."""
    box = driver.find_element(By.CSS_SELECTOR, f".st-key-{key}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    thumb = box.find_element(By.CSS_SELECTOR, '[data-testid="stSliderThumbValue"]')
    before = len(live.stats(driver))
    driver.execute_script("if (!window.__moves) { window.__moves = 0; "
                          "document.addEventListener('pointermove', () => { window.__moves += 1; }, true); }")
    moves0 = driver.execute_script("return window.__moves")
    moves = int(seconds * 1000 / ms)
    step = max(1, 2 * span_px // moves)
    chain = ActionChains(driver, duration=ms)
    chain.click_and_hold(thumb)
    for i in range(moves):
        chain.move_by_offset(step if (i * step // span_px) % 2 == 0 else -step, 0)
    cpu0, t0 = group_cpu_s(pgid), driver.execute_script("return performance.now()")
    chain.perform()
    t1, cpu1 = driver.execute_script("return performance.now()"), group_cpu_s(pgid)
    arrived = driver.execute_script("return window.__moves") - moves0
    ActionChains(driver).release().perform()
    live.settle(driver)
    cpu2 = group_cpu_s(pgid)
    time.sleep(0.5)
    frames = [f for f in live.stats(driver)[before:] if t0 <= f["drawn"] <= t1]
    return {"drag_ms": t1 - t0, "frames": frames, "moves": arrived, "held_cpu_s": cpu1 - cpu0,
            "release_cpu_s": cpu2 - cpu1}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", choices=list(PAGES), default="latent_explorer")
    parser.add_argument("--drags", type=int, default=3)
    args = parser.parse_args(argv)
    if not files.runtime_present():
        print("error: no ONNX Runtime Web in static/ (run: sh bin/fetch-onnxruntime-web)", file=sys.stderr)
        return 2
    title, key = PAGES[args.page]
    with tempfile.TemporaryDirectory() as home, procfile_app(Path(home)) as (base, proc):
        driver = chromium()
        try:
            pa.open_page(driver, base, args.page, title)
            if live.wait_status(driver, 120) != "ready":
                print("error: the live preview did not load", file=sys.stderr)
                return 1
            resources = driver.execute_script(
                "return performance.getEntriesByType('resource').filter(r => r.name.includes('/app/static/'))"
                ".map(r => [r.name.split('/app/static/')[1], r.encodedBodySize, r.decodedBodySize, r.duration])")
            load = driver.execute_script("return [window.__ganStudioLive.loadStart, window.__ganStudioLive.readyAt]")
            time.sleep(1.0)
            idle0, t_idle = group_cpu_s(proc.pid), time.time()
            time.sleep(2.0)
            idle_rate = (group_cpu_s(proc.pid) - idle0) / (time.time() - t_idle)
            quiet_server(proc.pid)
            drags = [one_drag(driver, key, proc.pid) for _ in range(args.drags)]
            corrections = driver.execute_script("return window.__ganStudioLive.corrections || 0")
            time.sleep(3.0)  # the server's idle CPU (background warm-up done): what "none" looks like
            idle0, t_idle = group_cpu_s(proc.pid), time.time()
            time.sleep(3.0)
            idle_after = (group_cpu_s(proc.pid) - idle0) / (time.time() - t_idle)
        finally:
            driver.quit()
    frames = [f for d in drags for f in d["frames"]]
    to_draw = [f["drawn"] - f["input"] for f in frames]
    to_frame = [f["frame"] - f["input"] for f in frames if f["frame"] is not None]
    run_ms = [f["drawn"] - f["start"] for f in frames]
    waited = [f["start"] - f["seen"] for f in frames]  # a frame waiting for the previous run
    print(f"page {args.page}, {len(drags)} drags of ~2 s, mouse move every 16 ms, headless Chromium, "
          f"{os.cpu_count()} CPUs")
    print("first load (from the app, bytes on the wire / unpacked): "
          + ", ".join(f"{name.split('?')[0]} {wire / 1e6:.2f} / {size / 1e6:.2f} MB" for name, wire, size, _d in resources)
          + f"; total {sum(r[1] for r in resources) / 1e6:.1f} MB on the wire; runtime + model ready "
            f"{load[1] - load[0]:.0f} ms after the component asked for them")
    print(f"input event -> canvas drawn: median {statistics.median(to_draw):.1f} ms, p95 {percentile(to_draw, .95):.1f} ms"
          f" ({len(to_draw)} frames); -> next animation frame: median {statistics.median(to_frame):.1f} ms, "
          f"p95 {percentile(to_frame, .95):.1f} ms")
    for kind, what in (("pointer", "predicted from the pointer"), ("slider", "from the slider's own value")):
        some = [f["drawn"] - f["input"] for f in frames if f["kind"] == kind]
        if some:
            print(f"  frames {what}: {len(some)}, median {statistics.median(some):.1f} ms, "
                  f"p95 {percentile(some, .95):.1f} ms")
    print(f"  waiting for the previous frame median {statistics.median(waited):.1f} ms; one ONNX run + draw median "
          f"{statistics.median(run_ms):.1f} ms, p95 {percentile(run_ms, .95):.1f} ms; predictions the slider then "
          f"corrected: {corrections}; load average {os.getloadavg()[0]:.1f}")
    for i, d in enumerate(drags):
        print(f"drag {i + 1}: {d['drag_ms']:.0f} ms held, {d['moves']} pointer moves arrived "
              f"({d['moves'] / d['drag_ms'] * 1000:.0f} per s), {len(d['frames'])} frames drawn "
              f"({len(d['frames']) / d['drag_ms'] * 2000:.0f} per 2 s) "
              f"({len({f['checksum'] for f in d['frames']})} distinct pictures); server CPU while held "
              f"{d['held_cpu_s'] * 1e3:.0f} ms, for the release's rerun {d['release_cpu_s'] * 1e3:.0f} ms")
    print(f"server idle CPU: {idle_rate * 1e3:.0f} ms per s right after the page loaded (models warming up), "
          f"{idle_after * 1e3:.0f} ms per s after the drags (clock tick {1e3 / TICK:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
