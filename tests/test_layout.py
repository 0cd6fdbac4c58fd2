"""The shape of models/: one package per family in the family table, a typed config per family that round-trips
every stored config unchanged, and a backend that never imports Streamlit."""
from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

from models import families, registry
from models.config import ModelConfig
from models.weights_io import stored_config

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = list(registry.load_manifest().values())


@pytest.mark.parametrize("name", list(families.FAMILIES))
def test_every_family_has_a_package_with_from_entry_and_config(name):
    package = families.package(name)
    assert callable(package.from_entry)
    assert isinstance(package.CONFIG, type) and issubclass(package.CONFIG, ModelConfig)
    assert dataclasses.is_dataclass(package.CONFIG)
    page = families.family(name).page
    if page is not None:
        assert (ROOT / page).is_file() and page in (ROOT / "app.py").read_text()
        assert callable(package.register_cli)


def test_every_manifest_entry_belongs_to_a_family_in_the_table():
    assert ENTRIES
    for entry in ENTRIES:
        assert entry.family in families.FAMILIES, entry.name


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_stored_configs_round_trip_unchanged(entry):
    """Reading a config never changes it: the manifest's and the weight file's, key order included."""
    config_class = families.package(entry.family).CONFIG
    for stored in (entry.config, stored_config(registry.SHIPPED_DIR / entry.file)):
        typed = config_class.from_dict(stored)
        assert typed.to_dict() == stored
        assert json.dumps(typed.to_dict()) == json.dumps(stored)
        assert config_class.from_dict(typed.to_dict()) == typed


def test_backend_never_imports_streamlit():
    for path in (ROOT / "models").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "streamlit" or n.startswith("streamlit.") for n in names), path


def test_config_defaults_extra_keys_and_nesting():
    from models.dcgan.config import DCGANConfig, PriorConfig
    from models.wavenet.config import InstrumentConfig, WaveNetConfig

    config = DCGANConfig.from_dict({"g_width": 32, "epochs": 5, "prior": {"components": 3}})
    assert (config.arch, config.g_width, config.latent_dim) == ("conv", 32, 100)  # defaults fill what is left out
    assert config.prior == PriorConfig(components=3) and config.extra == {"epochs": 5}
    assert config.to_dict() == {"g_width": 32, "epochs": 5, "prior": {"components": 3}}
    config.arch = "fc"  # a changed field is written even where the stored dict left it out
    assert config.to_dict()["arch"] == "fc"
    assert DCGANConfig().to_dict() == {"arch": "conv", "latent_dim": 100, "g_width": 64, "d_width": 64, "prior": None}
    assert DCGANConfig.coerce(config) is config and DCGANConfig.coerce(None) == DCGANConfig()

    wavenet = WaveNetConfig.from_dict({"instruments": [{"name": "piano", "program": 0, "low": 36, "high": 84}]})
    assert wavenet.instruments == [InstrumentConfig("piano", 0, 36, 84)] and wavenet.arch.layers_per_stack == 8
    with pytest.raises(ValueError, match="instruments"):
        WaveNetConfig.from_dict({})


def test_a_config_reads_as_the_dict_it_was_stored_as():
    """Code that still handles configs as dicts (training scripts) reads a model's config unchanged."""
    from models.infogan.config import InfoGANConfig

    stored = {"latent_dim": 75, "category_to_digit": list(range(10)), "training": {"seed": 11}}
    config = InfoGANConfig.from_dict(stored)
    assert config["training"] == {"seed": 11} and "code_matrix" not in config and dict(config) == stored
    assert config | {"code_matrix": [[1, 0]]} == {**stored, "code_matrix": [[1, 0]]}


def test_the_family_table_names_pages_as_the_app_navigation_does():
    app = (ROOT / "app.py").read_text()
    for family in families.shown():
        assert f'st.Page("{family.page}", title="{family.page_title}", icon="{family.icon}")' in app, family.name


def test_a_typed_config_saves_beside_the_weights_as_its_dict(tmp_path):
    import torch

    from models.weights_io import save
    from models.wavenet.config import WaveNetConfig

    stored = registry.get("wavenet-instruments").config
    save({"w": torch.zeros(1)}, tmp_path / "w.safetensors", WaveNetConfig.from_dict(stored))
    assert stored_config(tmp_path / "w.safetensors") == stored
