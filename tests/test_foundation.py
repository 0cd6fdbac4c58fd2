"""Foundation: the manifest matches the shipped files, the CLI lists models, the app starts as Heroku starts it."""
from __future__ import annotations

import hashlib
import os
import re
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


README = ROOT / "README.md"
NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")


def readme_model_rows() -> dict[str, list[str]]:
    """README.md's model table: model name -> its cells (model link, page, size, figures)."""
    rows = {}
    for line in README.read_text().splitlines():
        match = re.match(r"\| \[`([\w.-]+)`\]\((models/cards/[\w.-]+\.md)\) \|", line)
        if match:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[match.group(1)] = [match.group(2)] + cells[1:]
    return rows


def manifest_numbers(value, key: str = "") -> list[float]:
    """Every number an entry's metrics hold: values (nested dicts and lists too), numbers inside string values
    (e.g. the list of seeds) and in key names (`model_5_hints`, `pitch_acc_within_50_cents`)."""
    found = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", key)]
    if isinstance(value, bool):
        return found
    if isinstance(value, (int, float)):
        return found + [float(value)]
    if isinstance(value, str):
        return found + [float(n) for n in re.findall(r"\d+(?:\.\d+)?", value)]
    if isinstance(value, dict):
        return found + [n for k, v in value.items() for n in manifest_numbers(v, k)]
    if isinstance(value, list):
        return found + [n for v in value for n in manifest_numbers(v)]
    return found


def written_as(text: str, value: float) -> bool:
    """Whether the figure text (e.g. "95.2", "0.909", "1,576") is value rounded to text's decimals, as is or as a
    percentage."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    shown = float(text.replace(",", ""))
    half = 0.5 * 10 ** -decimals + 1e-9
    return abs(value - shown) <= half or abs(100 * value - shown) <= half


def test_readme_model_table_matches_the_manifest():
    """README.md's one table of models: a row per manifest model, linking to its card; the size as `models list`
    prints it; every number in the figures column is a value recorded in that model's manifest metrics."""
    entries, rows = registry.load_manifest(), readme_model_rows()
    assert set(rows) == set(entries), f"README model table vs manifest: {set(rows) ^ set(entries)}"
    for name, entry in entries.items():
        card, _page, size, figures = rows[name]
        assert card == f"models/cards/{name}.md" and (ROOT / card).is_file(), name
        assert size == f"{entry.bytes / 1e6:.1f} MB", f"{name}: size {size}"
        known = manifest_numbers(entry.metrics)
        for text in NUMBER.findall(figures):
            assert any(written_as(text, v) for v in known), f"{name}: {text} in the README is not in its metrics"


SKIPPED_DIRS = {"data", "runs", "node_modules", "venv", "test-artifacts", "__pycache__"}


def markdown_files() -> list[Path]:
    """The repository's .md files, outside hidden folders and data, run and artefact folders."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS]
        found += [Path(folder) / name for name in files if name.endswith(".md")]
    return found


def test_readme_is_a_front_door_and_no_markdown_names_a_session():
    assert len(README.read_bytes()) < 15_000, "README.md: keep it under 15,000 bytes (details go to docs/ or cards)"
    for link in re.findall(r"\]\(((?:docs|models|deploy)/[^)#]+)\)", README.read_text()):
        assert (ROOT / link).exists(), f"README.md links to a missing {link}"
    stray = [f"{path.relative_to(ROOT)}: {m.group(0)!r}" for path in markdown_files()
             for m in re.finditer(r"sessions? \d", path.read_text(), re.I)]
    assert not stray, f"history is told by date or commit, not by session: {stray}"
