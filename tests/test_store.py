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

from models import store
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
        from models import store
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
