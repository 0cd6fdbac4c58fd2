"""Plain text for Streamlit's markdown-rendering widgets: user-, URL- and server-supplied text shown as text.

st.error / st.warning / st.caption / st.markdown render markdown (links, images, emoji and colour shortcodes, LaTeX,
GFM autolinks). Anything a visitor or a link can put on the page goes through plain(), which backslash-escapes each
character that starts markdown syntax (CommonMark makes an escaped punctuation character a literal): brackets (links,
images), emphasis and code marks, HTML and autolink angle brackets, ':' (shortcodes, and the scheme of a bare URL),
'@' (bare e-mail links), '$' (LaTeX), the dot of 'www.' and block markers at a line's start, and shortens it. So the
page never shows a link, an outside image or formatting that the app did not write itself, nor echoes a huge value
whole; ordinary punctuation (- . , ' ( )) stays as it is, so the message source stays readable.
"""
from __future__ import annotations

import re

MAX_SHOWN = 200  # characters of one user-supplied value shown on a page
_INLINE = re.compile(r"([\\`*_{}\[\]<>#|~$:@!])")
_WWW = re.compile(r"(?i)\b(www)\.")
_LINE_START = re.compile(r"(?m)^(\s*)([-+=]|\d+(?=[.)]))")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def shorten(text: object, limit: int = MAX_SHOWN) -> str:
    """str(text) cut to at most limit characters, with the number of characters left out."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit:,} more characters)"


def plain(text: object, limit: int | None = MAX_SHOWN) -> str:
    """text escaped so that markdown shows it literally (control and direction characters dropped), shortened."""
    text = _CONTROL.sub("", str(text))
    if limit is not None:
        text = shorten(text, limit)
    text = _INLINE.sub(r"\\\1", text)
    text = _WWW.sub(r"\1\\.", text)
    text = _LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if not m.group(2)[0].isdigit()
                                                    else m.group(2) + "\\"), text)
    return text.replace("\n", "  \n")  # keep line breaks as breaks
