"""Markdown injection: link values, upload file names and error texts are shown as plain text on every page (no
phishing link, no outside image, no formatting), and long values are shortened."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.plain import plain

ROOT = Path(__file__).resolve().parents[1]
LINK = "[Log in](https://evil.example/login)"
IMAGE = "![x](https://evil.example/p.png)"
INJECTIONS = {"sample": LINK, "model": IMAGE, "instrument": LINK, "seed": IMAGE, "digit": LINK + IMAGE,
              "tempo": ":red[alarm] $x$", "method": "www.evil.example", "sefa": LINK}
PAGES = ["latent_explorer.py", "infogan_controls.py", "sketch_colorizer.py", "wavenet_audio.py"]


def rendered_markdown(at: AppTest) -> list[str]:
    """Every markdown body on the page: warnings, errors, infos, captions, markdown, subheaders."""
    bodies = []
    for kind in ("warning", "error", "info", "caption", "markdown", "subheader", "success"):
        bodies += [el.value for el in at.get(kind)]
    return bodies


def assert_plain(bodies: list[str]) -> None:
    for body in bodies:
        for needle in ("](", "![", "https://", "www.evil", ":red[", "$x$"):  # each escaped, markdown acts on none
            assert needle not in body, f"markdown from the link reached the page: {body!r}"


def test_plain_escapes_every_markdown_construct():
    text = plain(LINK + " " + IMAGE + " **b** _i_ `c` # h <b> :smile: :red[x] $x$ www.a.com\n- item")
    for needle in ("](", "![", "**", "`c`", "https://", "www.a", ":red[", "$x$", "<b>", "\n-"):
        assert needle not in text
    assert re.sub(r"\\(.)", r"\1", text).startswith(LINK)  # unescaped, the visitor sees what they typed
    long = plain("x" * 100_000)
    assert len(long) < 300 and "99,800 more characters" in re.sub(r"\\(.)", r"\1", long)


@pytest.mark.parametrize("page", PAGES)
def test_link_values_are_shown_as_plain_text(page):
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=120)
    for key, value in INJECTIONS.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.warning, "the malformed link should be reported"
    assert "evil" in " ".join(w.value for w in at.warning)  # reported, as text
    assert_plain(rendered_markdown(at))


def test_upload_file_name_is_plain_text():
    at = AppTest.from_file(str(ROOT / "pages" / "sketch_colorizer.py"), default_timeout=120).run()
    at.file_uploader(key="p2p_upload").upload(IMAGE + ".png", b"not a picture", "image/png").run()
    assert not at.exception
    assert at.error and "evil" in at.error[0].value
    assert_plain(rendered_markdown(at))
