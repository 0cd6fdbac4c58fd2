"""The weight store against a real local HTTP server: progress, errors, resume, concurrency, resolution order."""
from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from models import registry, store
from models.registry import ModelEntry
from tests.support.http_server import FileServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def blob() -> bytes:
    return os.urandom(300_000) + b"end"


@pytest.fixture()
def served(tmp_path, blob):
    root = tmp_path / "srv"
    root.mkdir()
    (root / "toy.safetensors").write_bytes(blob)
    with FileServer(root) as server:
        yield server


@pytest.fixture()
def entry(blob) -> ModelEntry:
    return ModelEntry(name="toy", family="test", title="Toy", description="", file="toy.safetensors",
                      bytes=len(blob), sha256=hashlib.sha256(blob).hexdigest(), licence="CC0", data="random")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.delenv(store.ENV_DIR, raising=False)
    monkeypatch.delenv(store.ENV_URL, raising=False)
    monkeypatch.setattr(store, "SHIPPED_DIR", tmp_path / "shipped")


def test_download_reports_progress_and_verifies(served, entry, blob, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/ok")
    seen = []
    path = store.weight_path(entry, progress=lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == blob
    assert path.parent == store.cache_dir()
    assert seen[-1] == (len(blob), len(blob))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert store.status(entry)["source"] == "cache"
    assert not list(store.cache_dir().glob("*.part"))


def test_404_names_model_url_and_fix(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/ok/missing-folder")
    with pytest.raises(store.WeightError) as err:
        store.weight_path(entry, retries=0)
    msg = str(err.value)
    assert "toy" in msg and "404" in msg and served.base_url in msg and store.ENV_URL in msg


def test_truncated_body_is_retried_then_reported(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/truncate")
    with pytest.raises(store.WeightError, match="closing early"):
        store.weight_path(entry, retries=1)
    assert not (store.cache_dir() / entry.file).exists()


def test_wrong_hash_is_rejected_and_discarded(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/ok")
    bad = replace(entry, sha256="0" * 64)
    with pytest.raises(store.WeightError, match="sha256"):
        store.weight_path(bad)
    assert not (store.cache_dir() / entry.file).exists()


def test_resume_after_cut_connection_uses_range(served, entry, blob, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/cut-once")
    path = store.weight_path(entry, retries=2)
    assert path.read_bytes() == blob
    ranges = [r for p, r in served.log if r]
    assert len(ranges) == 1  # one resumed request, starting at what had arrived before the cut
    assert 0 < int(ranges[0].split("=")[1].split("-")[0]) <= len(blob) // 2


def test_partial_file_from_earlier_run_is_resumed(served, entry, blob, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/ok")
    store.cache_dir().mkdir(parents=True)
    (store.cache_dir() / (entry.file + ".part")).write_bytes(blob[:1000])
    assert store.weight_path(entry).read_bytes() == blob
    assert served.log == [("/ok/toy.safetensors", "bytes=1000-")]


def test_two_processes_fetching_one_file_download_it_once(served, entry, blob, tmp_path):
    code = textwrap.dedent(f"""
        from models import registry, store
        from models.registry import ModelEntry
        e = ModelEntry(name="toy", family="test", title="", description="", file="toy.safetensors",
                       bytes={entry.bytes}, sha256="{entry.sha256}", licence="", data="")
        print(store.weight_path(e))
    """)
    env = {**os.environ, store.ENV_CACHE: str(tmp_path / "cache"), store.ENV_URL: served.base_url + "/ok",
           "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert (tmp_path / "cache" / "toy.safetensors").read_bytes() == blob
    assert len([p for p, _ in served.log]) == 1


def test_no_network_gives_clear_message(entry, monkeypatch):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(store.ENV_URL, f"http://127.0.0.1:{port}/weights")
    with pytest.raises(store.WeightError, match="no network"):
        store.weight_path(entry, retries=0, timeout=2)


def test_no_url_and_no_file_says_what_to_do(entry):
    with pytest.raises(store.WeightError, match=store.ENV_URL):
        store.weight_path(entry)


def test_resolution_order_and_corrupt_copies(entry, blob, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / entry.file).write_bytes(blob[:-1] + b"X")  # corrupt shipped copy
    assert store.status(entry)["corrupt"] == [str(shipped / entry.file)]
    with pytest.raises(store.WeightError, match="does not match"):
        store.weight_path(entry)
    store.cache_dir().mkdir(parents=True)
    (store.cache_dir() / entry.file).write_bytes(blob)
    assert store.locate(entry).source == "cache"
    override = tmp_path / "override"
    override.mkdir()
    (override / entry.file).write_bytes(blob)
    monkeypatch.setenv(store.ENV_DIR, str(override))
    assert store.locate(entry).source == "env dir"


# --- a hostile weight server: every case ends in a clear WeightError, fast, with nothing left in the cache ---

FAST = store.DownloadLimits(deadline_s=8.0, stall_window_s=1.0, stall_min_bytes=1000, lock_wait_s=1.0)


def leftovers() -> list[str]:
    """Files in the cache other than the lock file: a failed download must leave none (no .part, no pooch temp)."""
    return sorted(p.name for p in store.cache_dir().iterdir() if not p.name.endswith(".lock")) \
        if store.cache_dir().exists() else []


def test_endless_body_is_cut_at_the_manifest_size(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/endless")
    seen = []
    with pytest.raises(store.WeightError, match=f"more than the manifest's {entry.bytes:,} bytes"):
        store.weight_path(entry, limits=FAST, progress=lambda done, total: seen.append(done))
    assert leftovers() == []
    assert max(seen) <= entry.bytes  # never written past the manifest's size
    __import__("time").sleep(0.5)
    assert served.bytes_sent < 32 << 20  # the client hung up at once (what was sent is what socket buffers hold)
    assert len(served.log) == 1  # not retried: a longer file is not a network hiccup


def test_lying_content_length_is_refused_before_reading(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/lying-length")
    with pytest.raises(store.WeightError, match="announced 1,000,000,000,000 bytes"):
        store.weight_path(entry, limits=FAST)
    assert leftovers() == []
    assert len(served.log) == 1


def test_trickling_server_fails_the_progress_rule(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/trickle")
    served.trickle_s = 0.05  # 20 bytes/s: every byte would reset a plain read timeout
    t0 = __import__("time").monotonic()
    with pytest.raises(store.WeightError, match="too slowly"):
        store.weight_path(entry, retries=1, limits=FAST)
    assert __import__("time").monotonic() - t0 < FAST.deadline_s + 2
    assert leftovers() == []


def test_overall_deadline_bounds_every_try(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/trickle")
    served.trickle_s = 0.0005  # fast enough for the progress rule, far too slow for the deadline
    limits = replace(FAST, deadline_s=1.5, stall_min_bytes=10)
    t0 = __import__("time").monotonic()
    with pytest.raises(store.WeightError, match="longer than 2 s in all"):
        store.weight_path(entry, limits=limits)
    assert __import__("time").monotonic() - t0 < 5
    assert leftovers() == []


def test_trickled_headers_are_cut_at_the_deadline(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/slow-headers")
    served.trickle_s = 0.02  # each header byte resets the read timeout; only a watchdog can stop this
    limits = replace(FAST, deadline_s=1.5)
    t0 = __import__("time").monotonic()
    with pytest.raises(store.WeightError, match="longer than 2 s in all"):
        store.weight_path(entry, limits=limits)
    assert __import__("time").monotonic() - t0 < 4
    assert leftovers() == []


def test_redirect_loop_is_named(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/redirect-loop")
    with pytest.raises(store.WeightError, match="redirected more than 5 times"):
        store.weight_path(entry, limits=FAST)
    assert len(served.log) <= FAST.max_redirects + 1
    assert leftovers() == []


def test_wrong_bytes_are_discarded(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/wrong-bytes")
    with pytest.raises(store.WeightError, match="does not match the manifest's sha256"):
        store.weight_path(entry, limits=FAST)
    assert leftovers() == []


def test_truncations_leave_no_part_file(served, entry, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/truncate")
    with pytest.raises(store.WeightError, match="closing early"):
        store.weight_path(entry, retries=1, limits=FAST)
    assert leftovers() == []


def test_oversized_part_file_from_earlier_run_is_restarted(served, entry, blob, monkeypatch):
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/ok")
    store.cache_dir().mkdir(parents=True)
    (store.cache_dir() / (entry.file + ".part")).write_bytes(b"x" * (entry.bytes + 10))
    assert store.weight_path(entry, limits=FAST).read_bytes() == blob
    assert served.log == [("/ok/toy.safetensors", None)]


def test_lock_wait_is_bounded_with_a_message(served, entry, monkeypatch):
    import filelock
    monkeypatch.setenv(store.ENV_URL, served.base_url + "/ok")
    store.cache_dir().mkdir(parents=True)
    code = textwrap.dedent(f"""
        import filelock, sys, time
        with filelock.FileLock({str(store.cache_dir() / (entry.file + '.lock'))!r}):
            print("locked", flush=True)
            time.sleep(30)
    """)
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = __import__("time").monotonic()
        with pytest.raises(store.WeightError, match="has not finished in 1 s. Try again"):
            store.weight_path(entry, limits=FAST)
        assert __import__("time").monotonic() - t0 < 5
    finally:
        holder.kill()
        holder.wait()
    assert served.log == []
    del filelock


# --- a bad override file is reported (status, `python -m models list`, the home page), never skipped silently ---

@pytest.fixture()
def bad_override(tmp_path, monkeypatch):
    monkeypatch.undo()  # the real shipped weights, not the isolated fixture's
    real = registry.get("dcgan-mnist")
    override = tmp_path / "override"
    override.mkdir()
    (override / real.file).write_bytes(b"not the weights")
    monkeypatch.setenv(store.ENV_DIR, str(override))
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path / "cache"))
    return real, override / real.file


def test_bad_override_file_is_reported_by_status(bad_override):
    entry, path = bad_override
    st = store.status(entry)
    assert st["present"] and st["source"] == "shipped"  # the shipped copy still serves
    assert any(str(path) in note and "env dir" in note and "15 bytes" in note for note in st["problems"]), st


def test_override_that_is_no_folder_is_reported(bad_override, tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV_DIR, str(tmp_path / "no-such-folder"))
    assert any("not a folder" in note for note in store.status(bad_override[0])["problems"])


def test_bad_override_file_is_reported_by_cli_list(bad_override):
    entry, path = bad_override
    out = subprocess.run([sys.executable, "-m", "models", "list"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert "(see warning)" in out.stdout
    assert f"warning: {entry.name}: The env dir copy {path} is ignored" in out.stdout, out.stdout


def test_bad_override_file_is_reported_on_the_home_page(bad_override):
    from streamlit.testing.v1 import AppTest
    entry, path = bad_override
    at = AppTest.from_file(str(ROOT / "pages" / "home.py"), default_timeout=120).run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert entry.name in warnings and "ignored" in warnings, warnings
