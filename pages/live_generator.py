"""Live sliders (not a page): while a visitor drags a slider, their browser runs the model's ONNX export with ONNX
Runtime Web (WebAssembly, one thread) and draws each frame on a canvas laid over the server's picture; on release
Streamlit's slider sends its value as always and the server draws the picture, downloads, links and the rest.

The component watches the page's own st.slider widgets (their range inputs, by widget key), so the sliders, their
session state, the URL and every other part of the page stay exactly as they were; it draws nothing itself until
the browser has loaded the runtime and the model, and never again once anything fails (no WebAssembly, a file that
does not load, a run that throws): the server's picture is always there under it, the fallback.
Files come from the app itself (server.enableStaticServing): static/live/NAME.onnx (models/browser/export.py) and
static/onnxruntime-web/ (bin/fetch-onnxruntime-web). The server imports nothing for it (no onnxruntime) and sends
only strings: the model's URL and, as JSON, the inputs the sliders do not move (the seed's base latent, drawn here
with torch's RNG) and which widget keys feed which input.

GAN_STUDIO_LIVE=off (models/settings.py) turns it off for every visitor. The browser side is pages/live_generator.js.
"""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from streamlit import config

from models import settings
from models.browser import files
from models.registry import get as manifest_entry

_JS = Path(__file__).with_suffix(".js").read_text()  # the browser side
_CSS = """
.live-generator { font-size: 0.8rem; opacity: 0.7; }
.live-canvas { position: absolute; display: none; image-rendering: pixelated; pointer-events: none; }
"""
_component = st.components.v2.component("gan_studio_live_generator", js=_JS, css=_CSS, isolate_styles=False)


def enabled() -> bool:
    """False when GAN_STUDIO_LIVE=off or ONNX Runtime Web's files are not here (bin/fetch-onnxruntime-web)."""
    return settings.text(settings.LIVE, "on").lower() not in ("off", "0", "false", "no") and files.runtime_present()


def _static_url(path: str) -> str:
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return ("/" + base if base else "") + "/app/static/" + path


def live_generator(name: str, inputs: dict[str, dict], picture_key: str, key: str) -> bool:
    """Run model `name` in the browser over the st.image inside st.container(key=picture_key). inputs: for each
    input of the model's export, {"values": [...]} (what the server uses now) and, for slider-driven ones,
    {"keys": [widget keys, one per value]}. Returns False (draws nothing) where the server path is all there is:
    the setting is off, the runtime or the model's export is missing, stale or does not take these inputs."""
    if not enabled():
        return False
    record = files.live_record(name, manifest_entry(name).sha256)
    if record is None or {k: [1, len(v["values"])] for k, v in inputs.items()} != record["inputs"]:
        return False
    spec = {"model": name, "model_url": _static_url(f"live/{record['file']}?v={record['sha256'][:12]}"),
            "picture": picture_key,
            "inputs": {k: {"values": [float(x) for x in v["values"]], **({"keys": list(v["keys"])} if "keys" in v
                                                                          else {})}
                       for k, v in inputs.items()}}
    _component(key=key, data={"spec": json.dumps(spec), "ort": _static_url("onnxruntime-web/")})
    return True
