"""Helpers for streamlit.testing AppTest page tests."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def image_urls(at: AppTest) -> list[str]:
    """Media URLs of the page's images: they name a hash of the image bytes, so equal URLs mean equal images."""
    return [img.url for el in at.get("image") for img in el.proto.imgs]
