"""The server configuration a visitor meets: the local .streamlit/config.toml and the one setup.sh writes for Heroku
(as the Procfile runs it) both keep error details (tracebacks with server paths) off the page and bound what one
client message may carry."""
from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from models import limits

ROOT = Path(__file__).resolve().parents[1]


def local_config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def heroku_config(tmp_path: Path) -> dict:
    subprocess.run(["sh", "setup.sh"], cwd=ROOT, env={**os.environ, "HOME": str(tmp_path), "PORT": "5005"},
                   check=True, timeout=60)
    return tomllib.loads((tmp_path / ".streamlit" / "config.toml").read_text())


@pytest.fixture(params=["local", "heroku"])
def config(request, tmp_path) -> dict:
    return local_config() if request.param == "local" else heroku_config(tmp_path)


def test_error_details_are_off(config):
    assert config["client"]["showErrorDetails"] == "none"


def test_streamlit_accepts_the_value(config):
    from streamlit.config import ShowErrorDetailsConfigOptions as Options
    assert config["client"]["showErrorDetails"] in {o.value for o in Options}


def test_client_messages_are_small(config):
    """A visitor's websocket message (widget values) is bounded long before it is parsed: 23 MB once cost 700 MB."""
    assert config["server"]["maxWidgetStateSize"] == limits.MAX_CLIENT_MESSAGE_MB == 1
    assert limits.MAX_MELODY_CHARS * 4 < limits.MAX_CLIENT_MESSAGE_MB * 1e6  # a full melody box always fits


def test_config_repeats_the_limits_in_models_limits(config):
    assert config["server"]["maxUploadSize"] * 2**20 == limits.MAX_UPLOAD_BYTES
    assert config["server"]["maxCacheDataSize"] == limits.MAX_CACHE_DATA


def test_cached_results_are_bounded(config):
    """Colored PNGs of up to 4 M pixels are cached for every visitor: the total, not the count, must be bounded."""
    from streamlit.byte_util import config_max_cache_data_size_to_bytes
    assert 0 < config_max_cache_data_size_to_bytes(config["server"]["maxCacheDataSize"]) <= 64 * 2**20


def test_uploads_and_xsrf(config, request):
    assert config["server"]["maxUploadSize"] <= 20
    if "heroku" in request.node.name:
        assert config["server"]["enableXsrfProtection"] is True
