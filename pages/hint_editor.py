"""Colour hints on a picture, the same on the Sketch and Photo Colorizers (not a page): click the picture to place a
hint of the picked colour, pick or type the colour, undo or clear, save the hints as a JSON hint set or load one.

One `HintEditor(prefix, noun)` per page; its session keys all start with the prefix: `<prefix>_hints` (the current
picture's hints, in picture pixels), `<prefix>_colour` (kept apart from the colour widget's state, so it survives new
pictures) and the widgets' keys. `<prefix>_source_id` names the current picture (the page sets it). Hint sets are
checked by models/pix2pix/hints.py, the same validation as the CLIs' --hints."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st
from PIL import Image, ImageDraw

from models import limits
from models.pix2pix.hints import check_hints_fit, fit_hints, hint_set_json, load_hint_set, normal_colour
from pages.click_image import click_image
from pages.plain import plain

DEFAULT_COLOUR = "#e53935"


@dataclass(frozen=True)
class HintEditor:
    prefix: str  # of every session key, e.g. "p2p"
    noun: str = "sketch"  # what the picture is called on the page

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    @property
    def hints(self) -> list[dict]:
        return st.session_state.setdefault(self.key("hints"), [])

    def overlay(self, image: Image.Image, size: tuple[int, int],
                picture_size: tuple[int, int] | None = None) -> Image.Image:
        """The picture at its display size with each hint as a coloured dot (hints in pixels of picture_size, by
        default the image's own size)."""
        shown = image.resize(size, Image.Resampling.LANCZOS).convert("RGB")  # small first: no full-size RGB copy
        width, height = picture_size or image.size
        sx, sy = size[0] / width, size[1] / height
        draw = ImageDraw.Draw(shown)
        for h in self.hints:
            x, y = h["x"] * sx, h["y"] * sy
            draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill=h["color"], outline="black", width=2)
        return shown

    def clickable(self, image: Image.Image, size: tuple[int, int], picture_size: tuple[int, int] | None = None) -> None:
        """Show the picture at size; a click adds a hint of the picked colour at that point, in pixels of
        picture_size (the picture's full size, when image is a smaller copy of it; by default image's own size)."""
        hints = self.hints
        width, height = picture_size or image.size
        click = click_image(self.overlay(image, size, picture_size), size[0],
                            key=self.key(f"click_{st.session_state[self.key('source_id')]}"),
                            alt=f"Your {self.noun}: click to place a colour hint")
        if click is not None and len(hints) >= limits.MAX_HINTS:
            st.warning(f"At most {limits.MAX_HINTS} hints fit on one {self.noun}; undo or clear some first.")
        elif click is not None:
            hints.append({"x": round(click[0] * width / size[0], 1),
                          "y": round(click[1] * height / size[1], 1),
                          "color": st.session_state.get(self.key("colour"), DEFAULT_COLOUR)})
            st.rerun()

    def _picked(self) -> None:
        st.session_state[self.key("colour")] = st.session_state[self.key("colour_picker")]
        st.session_state[self.key("hex_problem")] = None

    def _typed(self) -> None:
        """The hex box's callback: a valid #rgb / #rrggbb becomes the hint colour; anything else is reported."""
        text = st.session_state[self.key("hex")]
        if not text.strip():
            return
        try:
            st.session_state[self.key("colour")] = normal_colour(text)
            st.session_state[self.key("hex_problem")] = None
        except ValueError as err:
            st.session_state[self.key("hex_problem")] = str(err)

    def colour_controls(self) -> None:
        """The hint colour: a picker and a hex box side by side, below the picture so the picker never covers it."""
        colour = st.session_state.setdefault(self.key("colour"), DEFAULT_COLOUR)
        st.session_state[self.key("colour_picker")] = colour  # the widget shows the kept colour
        a, b = st.columns(2)
        a.color_picker(f"Hint colour (then click on the {self.noun})", key=self.key("colour_picker"),
                       on_change=self._picked)
        b.text_input("or type it (#rgb or #rrggbb)", key=self.key("hex"), max_chars=32, placeholder=colour,
                     on_change=self._typed)
        if st.session_state.get(self.key("hex_problem")):
            st.warning(plain(st.session_state[self.key("hex_problem")]))

    def file_panel(self, picture_size: tuple[int, int]) -> None:
        """Save the hints as a JSON hint set, or load one (made on any picture: hints move by relative position);
        picture_size is the (width, height) the hints' pixels belong to."""
        hints = self.hints
        width, height = picture_size
        a, b = st.columns(2)
        a.download_button("Save hints (JSON)", hint_set_json(hints, width, height), file_name="hints.json",
                          mime="application/json", key=self.key("hints_save"), disabled=not hints, on_click="ignore")
        file = b.file_uploader("Load hints (JSON)", type=["json"], key=self.key("hints_file"),
                               help=f"A hint set saved here, or a --hints list. Its hints go on this {self.noun} by "
                               f"relative position, and on each new {self.noun} while the file stays loaded.")
        if file is None:
            return
        data = file.getvalue()
        marker = (st.session_state[self.key("source_id")], hashlib.sha256(data).hexdigest())
        if st.session_state.get(self.key("hints_loaded")) == marker:
            return  # loaded already: undo and clear keep working
        try:
            loaded, size = load_hint_set(data, f"The hint file {file.name}")
            fitted = fit_hints(loaded, size, width, height)
            check_hints_fit(fitted, width, height)
        except ValueError as err:
            st.error(plain(err))
            return
        st.session_state[self.key("hints")] = fitted
        st.session_state[self.key("hints_loaded")] = marker
        st.rerun()

    def panel(self, picture_size: tuple[int, int]) -> None:
        """The hint file panel, the list of hints as swatches, Undo and Clear (hints in pixels of picture_size)."""
        self.file_panel(picture_size)
        hints = self.hints
        if not hints:
            st.caption("No hints yet: the model picks all colours itself.")
            return
        swatches = " ".join(f'<span style="display:inline-block;width:14px;height:14px;background:{h["color"]};'
                            f'border:1px solid #333;vertical-align:middle"></span> ({h["x"]:.0f}, {h["y"]:.0f})'
                            for h in hints)
        st.markdown(f"**{len(hints)} hint{'s' if len(hints) > 1 else ''}:** {swatches}", unsafe_allow_html=True)
        a, b = st.columns(2)
        if a.button("Undo last hint", key=self.key("undo")):
            hints.pop()
            st.rerun()
        if b.button("Clear hints", key=self.key("clear")):
            hints.clear()
            st.rerun()
