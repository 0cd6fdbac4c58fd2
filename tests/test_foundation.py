"""Foundation: the manifest matches the shipped files, the CLI lists models, the app starts as Heroku starts it."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import requests

from models import registry
from tests.support.app_server import procfile_app

ROOT = Path(__file__).resolve().parents[1]


def test_every_manifest_entry_matches_its_shipped_file():
    entries = registry.load_manifest()
    for entry in entries.values():
        path = registry.SHIPPED_DIR / entry.file
        assert path.is_file(), f"{entry.name}: {path} is missing"
        blob = path.read_bytes()
        assert len(blob) == entry.bytes, entry.name
        assert hashlib.sha256(blob).hexdigest() == entry.sha256, entry.name
        assert entry.licence and entry.data and entry.family, entry.name


def test_no_stray_weight_files_and_no_pickles():
    shipped = {p.name for p in registry.SHIPPED_DIR.iterdir() if p.is_file()}
    listed = {e.file for e in registry.load_manifest().values()}
    assert shipped <= listed, f"unlisted weight files: {shipped - listed}"
    assert all(name.endswith(".safetensors") for name in shipped)


def test_cli_list_prints_a_table():
    out = subprocess.run([sys.executable, "-m", "models", "list"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for entry in registry.load_manifest().values():
        line = next(line for line in out.stdout.splitlines() if line.startswith(entry.name + " "))
        assert "present, verified" in line and "shipped" in line


def test_cli_fetch_unknown_model_is_one_line_error():
    out = subprocess.run([sys.executable, "-m", "models", "fetch", "no-such-model"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1
    assert out.stderr.strip().startswith("error: Unknown model 'no-such-model'")
    assert "Traceback" not in out.stderr


def test_app_starts_as_the_procfile_says(tmp_path):
    with procfile_app(tmp_path) as (base, _proc):
        assert "port = " in (tmp_path / ".streamlit" / "config.toml").read_text()
        assert requests.get(f"{base}/", timeout=5).status_code == 200


def test_readme_model_cards_match_the_card_files():
    """README.md pastes models/cards/*.md; docs/sync_cards.py keeps them equal (run it after editing a card)."""
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "sync_cards.py"), "--check"], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout
