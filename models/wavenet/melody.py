"""Melody text: "C4 E4 G4:2 R C5" -> notes. Names A-G, optional # or b, octave (C4 = MIDI 60), optional :beats; R = rest.

Errors are ValueErrors whose message names the offending token (shortened: a huge token is never echoed whole) and
says what to type instead. The text itself is bounded (MAX_CHARS) before it is split, so a huge message costs nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from models import limits

NOTE_RE = re.compile(r"^([A-Ga-g])([#♯b♭]?)(-?\d+)(?::(.*))?$")
REST_RE = re.compile(r"^[Rr](?::(.*))?$")
SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
MAX_NOTES = limits.MAX_MELODY_NOTES
MAX_CHARS = limits.MAX_MELODY_CHARS  # of melody text: 64 notes such as "C#4:0.5" with room to spare; the box's max_chars
MAX_TOKEN_SHOWN = 24  # characters of one token quoted in an error
MAX_BEATS_PER_NOTE = 8.0
EXAMPLE = "e.g. 'C4 E4 G4:2 R C5' (note name A-G, optional # or b, octave, optional :beats; R is a rest)"


@dataclass(frozen=True)
class Note:
    pitch: int | None  # MIDI pitch, None for a rest
    beats: float

    @property
    def name(self) -> str:
        return "R" if self.pitch is None else midi_to_name(self.pitch)


def midi_to_name(pitch: int) -> str:
    return f"{NAMES[pitch % 12]}{pitch // 12 - 1}"


def _quote(text: str, limit: int = MAX_TOKEN_SHOWN) -> str:
    """text for an error message, cut to limit characters (with the count left out)."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _beats(text: str | None, token: str, pos: int) -> float:
    if text is None:
        return 1.0
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            value = float(num) / float(den)
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"Note {pos} '{_quote(token)}': the duration after ':' must be a number of beats such as 2, "
                         f"0.5 or 1/2, not '{_quote(text)}'.") from None
    if not 0.125 <= value <= MAX_BEATS_PER_NOTE:
        raise ValueError(f"Note {pos} '{_quote(token)}': a duration must be between 1/8 and {MAX_BEATS_PER_NOTE:g} "
                         "beats.")
    return value


def parse_melody(text: str, low: int | None = None, high: int | None = None, instrument: str = "this instrument"
                 ) -> list[Note]:
    """Parse melody text; with low/high, notes outside that MIDI range are an error naming the allowed range."""
    if len(text) > MAX_CHARS:
        raise ValueError(f"The melody text has {len(text):,} characters; at most {MAX_CHARS:,} are allowed "
                         f"({MAX_NOTES} notes). Shorten it.")
    tokens = [t for t in re.split(r"[\s,;|]+", text.strip()) if t]
    if not tokens:
        raise ValueError(f"The melody is empty: type some notes, {EXAMPLE}.")
    if len(tokens) > MAX_NOTES:
        raise ValueError(f"The melody has {len(tokens)} notes; at most {MAX_NOTES} are allowed.")
    notes = []
    for pos, token in enumerate(tokens, start=1):
        rest = REST_RE.match(token)
        if rest:
            notes.append(Note(None, _beats(rest.group(1), token, pos)))
            continue
        m = NOTE_RE.match(token)
        if not m:
            raise ValueError(f"Note {pos} '{_quote(token)}' is not a note: {EXAMPLE}.")
        letter, accidental, octave, dur = m.groups()
        shift = {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(accidental, 0)
        pitch = (int(octave) + 1) * 12 + SEMITONES[letter.upper()] + shift
        if not 0 <= pitch <= 127:
            raise ValueError(f"Note {pos} '{_quote(token)}' is outside MIDI (C-1 to G9).")
        if low is not None and high is not None and not low <= pitch <= high:
            raise ValueError(f"Note {pos} '{_quote(token)}' is out of range for {instrument}: it plays "
                             f"{midi_to_name(low)} to {midi_to_name(high)} (the pitches it was trained on).")
        notes.append(Note(pitch, _beats(dur, token, pos)))
    if all(n.pitch is None for n in notes):
        raise ValueError(f"The melody has only rests: add at least one note, {EXAMPLE}.")
    return notes
