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


UNESCAPED = re.compile(r"(?<!\\)[\[\]`*_<>$]|(?<!\\)https?://|www\.evil|(?<!\\):red")


def assert_plain(bodies: list[str]) -> None:
    """No markdown syntax from a visitor: brackets, emphasis, code, angle brackets, LaTeX, URLs, shortcodes all
    escaped (the app's own markup, e.g. a leading **bold**, is allowed)."""
    for body in bodies:
        if not re.search(r"evil|alarm|Log in|\$x", re.sub(r"\\(.)", r"\1", body)):
            continue  # the app's own text
        body = re.sub(r"^\*\*[^*]+\*\*", "", body)  # the page's own bold lead-in
        assert not UNESCAPED.search(body), f"markdown from the link reached the page: {body!r}"


def test_plain_escapes_every_markdown_construct():
    text = plain(LINK + " " + IMAGE + " **b** _i_ `c` # h <b> :smile: :red[x] $x$ www.a.com a@b.co\n- item\n1. x")
    assert not UNESCAPED.search(text), text
    for needle in ("**", "`c`", "https://", "www.a", ":red[", "$x$", "<b>", "\n-", "\n1.", "a@b"):
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


# --- melody length: bounded where the widget is drawn and again in the backend; a huge token is never echoed ---

def test_melody_text_is_bounded_before_parsing():
    import time
    from models.wavenet.melody import MAX_CHARS, parse_melody
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=f"at most {MAX_CHARS:,} are allowed") as err:
        parse_melody("C4 " * 8_000_000)  # 24 MB: the websocket message
    assert time.perf_counter() - t0 < 0.5 and len(str(err.value)) < 200


@pytest.mark.parametrize("text", ["Q" * 900, "C4:" + "9" * 900, "C4 " + "H" * 990, "C4:1/" + "0" * 900])
def test_melody_errors_never_echo_a_huge_token(text):
    from models.wavenet.melody import parse_melody
    with pytest.raises(ValueError) as err:
        parse_melody(text)
    assert len(str(err.value)) < 300, str(err.value)
    assert "characters)" in str(err.value)


def test_melody_box_is_bounded_on_the_page():
    from models.wavenet.melody import MAX_CHARS
    at = AppTest.from_file(str(ROOT / "pages" / "wavenet_audio.py"), default_timeout=120)
    at.query_params["notes"] = "Z" * 50_000
    at.run()
    assert not at.exception
    box = at.text_area(key="wn_notes")
    assert box.proto.max_chars == MAX_CHARS
    assert len(box.value) <= MAX_CHARS
    box.set_value("C4 " + "Q" * 500_000).run()  # what a hostile client could send past the browser's limit
    assert len(at.text_area(key="wn_notes").value) <= MAX_CHARS  # cut at max_chars by Streamlit itself
    generate = next(b for b in at.button if "Generate" in b.label)
    generate.click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert errors and len(errors) < 600, errors[:300]
