"""Typed model configs: each family's config is a dataclass (models/<family>/config.py) built on ModelConfig.

A config travels as a plain JSON dict, in the model's manifest entry and in its weight file's metadata
(models.weights_io.save). `from_dict` turns that dict into the family's dataclass, nested dataclasses and lists of
them included; `to_dict` turns it back. The dataclass's field defaults are the family's one set of defaults.

Stored configs round-trip unchanged, `to_dict(from_dict(d)) == d` (key order too), so reading a model never
rewrites its config:
- keys the dataclass does not name (provenance such as "training", "selected_by", "quantization", a run's
  hyperparameters) are kept in `extra` and written back as they were;
- a field the stored dict leaves out is left out again (unless it was changed), so a default never appears in a
  stored config that did not have it.

A config also reads as a read-only mapping of its stored form (config["pitch_low"], "key" in config, dict(config),
config | {...}) for code that still handles configs as dicts; new code reads attributes.
"""
from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

C = TypeVar("C", bound="ModelConfig")


@dataclasses.dataclass
class ModelConfig(Mapping):
    """The base of every family's config dataclass; `extra` holds the stored keys its fields do not name."""

    extra: dict = dataclasses.field(default_factory=dict, kw_only=True, repr=False)

    # set by from_dict: the stored dict's key order and the fields it left out
    _order: ClassVar[tuple[str, ...]] = ()
    _absent: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def fields(cls) -> tuple[dataclasses.Field, ...]:
        """The config's own fields (everything but `extra`)."""
        return tuple(f for f in dataclasses.fields(cls) if f.name != "extra")

    @classmethod
    def from_dict(cls: type[C], data: Mapping | None) -> C:
        """The config a stored dict describes; ValueError when a field without a default is missing."""
        data = dict(data or {})
        order = tuple(data)
        hints = typing.get_type_hints(cls)
        given = {f.name: _read(hints[f.name], data.pop(f.name)) for f in cls.fields() if f.name in data}
        try:
            config = cls(**given, extra=copy.deepcopy(data))
        except TypeError as err:  # a field without a default is missing
            raise ValueError(f"{cls.__name__}: {err}") from None
        config._order = order
        config._absent = frozenset(f.name for f in cls.fields() if f.name not in given)
        return config

    @classmethod
    def coerce(cls: type[C], value: "C | Mapping | None") -> C:
        """The config itself, or one read from a dict (what builders and model classes accept)."""
        return value if isinstance(value, cls) else cls.from_dict(value)

    def to_dict(self) -> dict:
        """The plain JSON dict stored beside the weights (the stored dict's key order, new keys last)."""
        out = {}
        for f in self.fields():
            value = getattr(self, f.name)
            if f.name in self._absent and value == _default(f):
                continue
            out[f.name] = _write(value)
        out.update(copy.deepcopy(self.extra))
        rank = {k: i for i, k in enumerate(self._order)}
        return dict(sorted(out.items(), key=lambda kv: rank.get(kv[0], len(rank))))

    # -- the read-only mapping of the stored form --
    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def __iter__(self):
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())

    def __or__(self, other: Mapping) -> dict:
        return self.to_dict() | dict(other)

    def __ror__(self, other: Mapping) -> dict:
        return dict(other) | self.to_dict()


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _read(hint: Any, value: Any) -> Any:
    """A stored value as the field's type: nested configs (also inside lists and optionals) become dataclasses."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        hint = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and issubclass(hint, ModelConfig) and isinstance(value, Mapping):
        return hint.from_dict(value)
    if origin is list and isinstance(value, list):
        return [_read(args[0], v) for v in value] if args else copy.deepcopy(value)
    return copy.deepcopy(value)


def _write(value: Any) -> Any:
    if isinstance(value, ModelConfig):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_write(v) for v in value]
    if isinstance(value, dict):
        return {k: _write(v) for k, v in value.items()}
    return value
