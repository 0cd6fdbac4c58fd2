"""Every page of the app opens without an exception (streamlit.testing AppTest, no browser)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGE_FILES = re.findall(r'st\.Page\("([^"]+)"', (ROOT / "app.py").read_text())


def test_app_lists_pages():
    assert "pages/home.py" in PAGE_FILES
    for page in PAGE_FILES:
        assert (ROOT / page).is_file(), page


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_opens_without_exception(page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_app_entry_point_runs_home():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value.endswith("GAN Studio")


def test_home_links_each_page_with_its_models():
    """The home page follows the family table: a card per visitor-facing page (a link and a thumbnail its model
    drew), then every model, the judges (families without a page) under their own heading."""
    from models import families, registry

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    links = [(p.proto.label, p.proto.page) for p in at.get("page_link")]
    shown = families.shown()
    assert [label for label, _ in links] == [f.page_title for f in shown]
    assert len(at.get("image")) == len(shown)  # one live thumbnail per card
    text = "\n".join(m.value for m in at.markdown)
    assert "Used for evaluation" in text
    for entry in registry.load_manifest().values():
        assert f"| {entry.name} |" in text
