"""Hostile input sweep through the pages themselves (AppTest): malformed uploads, malformed links, corrupt or missing
weights, no network. Each gets a clear message in the page, no exception, the page keeps working afterwards, and
nothing is written into the repository."""
from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import registry, store
from tests.support.hostile_files import corpus

ROOT = Path(__file__).resolve().parents[1]
COLORIZER = str(ROOT / "pages" / "sketch_colorizer.py")
JUNK_PARAMS = {"model": "../../etc/passwd", "seed": "1e309", "seed_b": "-5", "method": "sideways",
               "sefa": "nan,inf,x", "raw": "9" * 400, "digit": "eleven", "rotation": "NaN", "width": "[]",
               "sample": "../app.py", "notes": "H9 Q#", "instrument": "kazoo", "tempo": "-1", "temperature": "abc",
               "photo": "../../etc/passwd"}
PAGES = ["latent_explorer.py", "infogan_controls.py", "sketch_colorizer.py", "photo_colorizer.py", "wavenet_audio.py"]


def repo_state() -> str:
    out = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"], cwd=ROOT,
                         capture_output=True, text=True).stdout
    return "\n".join(line for line in out.splitlines()
                     if "__pycache__" not in line and ".pytest_cache" not in line and "test-artifacts" not in line)


@pytest.fixture(scope="module")
def untouched_repo():
    before = set(repo_state().splitlines())
    yield
    added = set(repo_state().splitlines()) - before
    assert not added, f"the sweep wrote into the repository: {sorted(added)}"


UPLOAD_PAGES = {  # page -> (its uploader's key, what to do first so that the uploader shows)
    "sketch_colorizer.py": ("p2p_upload", None),
    "photo_colorizer.py": ("photo_upload", ("photo_source", "Upload")),
    "infogan_controls.py": ("ig_upload", None),  # Start from your image (pages/infogan_own.py)
}


@pytest.fixture(params=list(UPLOAD_PAGES))
def upload_page(request):
    at = AppTest.from_file(str(ROOT / "pages" / request.param), default_timeout=120).run()
    assert not at.exception
    key, (radio, choice) = UPLOAD_PAGES[request.param][0], UPLOAD_PAGES[request.param][1] or (None, None)
    if radio:
        at.radio(key=radio).set_value(choice).run()
    return at, key


@pytest.mark.parametrize("name, data, mime, expect", corpus(), ids=[c[0] for c in corpus()])
def test_upload_sweep(untouched_repo, upload_page, name, data, mime, expect):
    at, key = upload_page
    at.file_uploader(key=key).upload(name, data, mime).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    if expect is None:
        assert not errors, errors
        assert "Download PNG" in [b.label for b in at.get("download_button")]
    else:
        assert errors and pytest.importorskip("re").search(expect, errors), errors
        assert "Traceback" not in errors
    # the page still works after the bad file: a good picture is colored
    at.file_uploader(key=key).upload("ok.png", corpus()[-1][1], "image/png").run()
    assert not at.exception and not at.error


@pytest.mark.parametrize("page", PAGES)
def test_malformed_links_warn_and_fall_back(untouched_repo, page):
    if not (ROOT / "pages" / page).exists():
        pytest.fail(f"pages/{page} is missing")
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=120)
    for key, value in JUNK_PARAMS.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.warning, "a malformed link should say what was ignored"


def _unreachable_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/weights"


@pytest.mark.parametrize("damage", ["corrupt", "missing", "missing, no network"])
def test_weight_file_problems_are_explained(untouched_repo, tmp_path, monkeypatch, damage):
    from models.loading import unload_all

    unload_all()  # a model loaded by an earlier test keeps serving from memory; this one loads afresh
    entry = registry.get("pix2pix-openmoji")
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    if damage == "corrupt":
        blob = (registry.SHIPPED_DIR / entry.file).read_bytes()
        (shipped / entry.file).write_bytes(blob[: len(blob) // 2])
    monkeypatch.setattr(store, "SHIPPED_DIR", shipped)
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.delenv(store.ENV_DIR, raising=False)
    monkeypatch.delenv(store.ENV_URL, raising=False)
    if damage == "missing, no network":
        monkeypatch.setenv(store.ENV_URL, _unreachable_url())
    at = AppTest.from_file(COLORIZER, default_timeout=120)
    at.query_params["sample"] = "penguin.png"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    message = " ".join(e.value for e in at.error)
    expected = {"corrupt": "does not match", "missing": "no copy was found",
                "missing, no network": "no network"}[damage]
    assert "pix2pix-openmoji" in message and expected in message, message


def test_missing_weights_download_on_first_use_in_the_page(untouched_repo, tmp_path, monkeypatch):
    """A deploy without shipped weights: the page fetches them from GAN_STUDIO_WEIGHTS_URL, verifies, and works."""
    from models.loading import unload_all
    from tests.support.http_server import FileServer

    entry = registry.get("pix2pix-openmoji")
    served = tmp_path / "served"
    served.mkdir()
    (served / entry.file).write_bytes((registry.SHIPPED_DIR / entry.file).read_bytes())
    monkeypatch.setattr(store, "SHIPPED_DIR", tmp_path / "empty")
    monkeypatch.setenv(store.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.delenv(store.ENV_DIR, raising=False)
    unload_all()
    with FileServer(served) as server:
        monkeypatch.setenv(store.ENV_URL, server.base_url + "/ok")
        at = AppTest.from_file(COLORIZER, default_timeout=120)
        at.query_params["sample"] = "penguin.png"
        at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert (tmp_path / "cache" / entry.file).is_file()
    assert [p for p, _ in server.log] == [f"/ok/{entry.file}"]
    assert "Download PNG" in [b.label for b in at.get("download_button")]
