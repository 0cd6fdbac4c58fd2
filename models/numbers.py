"""Numbers from untrusted text (command-line options, JSON hint files), checked before any use.

Python accepts "1e309" (inf), "nan", "-0" and 5000-digit integers, and its own errors for them are tracebacks or
misleading (OverflowError deep inside, "cannot write o.png: ...NaN...", the int_max_str_digits text). These helpers
turn text into an int or float only when it is a plain finite number within the given range, and otherwise raise a
ValueError naming the option, the range and (shortened) what was given. load_json reads JSON with the same rules:
no NaN/Infinity, finite floats, integers of at most MAX_DIGITS digits, nesting errors as a message.
"""
from __future__ import annotations

import json
import math

MAX_DIGITS = 30  # longer numbers are refused before Python converts them
SHOWN = 30  # characters of a bad value quoted in a message


def shown(text: object) -> str:
    text = str(text)
    return repr(text) if len(text) <= SHOWN else f"{text[:SHOWN]!r}... ({len(text):,} characters)"


def _digits_ok(text: str) -> bool:
    return sum(c.isdigit() for c in text) <= MAX_DIGITS


def parse_int(name: str, text: object, low: int, high: int) -> int:
    """text as an int within [low, high]; a ValueError that says so otherwise."""
    raw = str(text).strip()
    why = f"{name} must be a whole number from {low} to {high}, got {shown(raw)}"
    if isinstance(text, bool) or not raw or not _digits_ok(raw):
        raise ValueError(why)
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(why) from None
    if not low <= value <= high:
        raise ValueError(why)
    return value


def parse_float(name: str, text: object, low: float, high: float) -> float:
    """text as a finite float within [low, high]; a ValueError that says so otherwise."""
    raw = str(text).strip()
    why = f"{name} must be a number from {low:g} to {high:g}, got {shown(raw)}"
    if isinstance(text, bool) or not raw or not _digits_ok(raw):
        raise ValueError(why)
    try:
        value = float(raw)
    except (ValueError, OverflowError):
        raise ValueError(why) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(why)
    return value


def number(value: object) -> float | None:
    """A JSON value as a finite float when it is an int or float (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def load_json(data: bytes | str, what: str):
    """Parse JSON from an untrusted file; ValueError with a one-line reason for anything odd."""
    def bad_constant(name: str):
        raise ValueError(f"{what} holds {name}, which is not a number JSON allows; use a plain number")

    def checked_float(text: str) -> float:
        value = float(text)
        if not _digits_ok(text) or not math.isfinite(value):
            raise ValueError(f"{what} holds the number {shown(text)}, which is too large; use a plain number")
        return value

    def checked_int(text: str) -> int:
        if not _digits_ok(text):
            raise ValueError(f"{what} holds a number of {len(text):,} digits; use a plain number")
        return int(text)

    try:
        return json.loads(data, parse_constant=bad_constant, parse_float=checked_float, parse_int=checked_int)
    except RecursionError:
        raise ValueError(f"{what} is nested too deeply to be read; it should be a flat list") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"{what} is not valid JSON ({err.msg}, line {err.lineno})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{what} is not UTF-8 text") from None
