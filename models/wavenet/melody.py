"""Melody text: "C4 E4 G4:2 R C5" -> notes. Names A-G, optional # or b, octave (C4 = MIDI 60), optional :beats; R = rest.
A chord joins simultaneous notes with +: "C4+E4+G4:2" (at most MAX_VOICES; the duration after the last note).
`to_events` turns the steps into timed voices (Event: start, length, pitch), the form MIDI files are read into too
(models/wavenet/midi.py); `check_events` bounds voices at once and length, `sounding_at` says which notes sound when.

Errors are ValueErrors whose message names the offending token (shortened: a huge token is never echoed whole) and
says what to type instead. The text itself is bounded (MAX_CHARS) before it is split, so a huge message costs nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from models import limits

NOTE_RE = re.compile(r"^([A-Ga-g])([#♯b♭]?)(-?\d+)(?::(.*))?$")
REST_RE = re.compile(r"^[Rr](?::(.*))?$")
SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
MAX_NOTES = limits.MAX_MELODY_NOTES
MAX_CHARS = limits.MAX_MELODY_CHARS  # of melody text: 64 notes such as "C#4:0.5" with room to spare; the box's max_chars
MAX_TOKEN_SHOWN = 24  # characters of one token quoted in an error
MAX_BEATS_PER_NOTE = 8.0
MAX_VOICES = limits.MAX_VOICES
EXAMPLE = ("e.g. 'C4 E4 G4:2 R C5' or a chord 'C4+E4+G4:2' (note name A-G, optional # or b, octave, optional "
           ":beats; R is a rest)")


@dataclass(frozen=True)
class Note:
    """One step of a melody: a note, a rest (pitch None) or a chord (chord = all its pitches, lowest first)."""
    pitch: int | None  # MIDI pitch (a chord's first), None for a rest
    beats: float
    chord: tuple[int, ...] = ()

    def __post_init__(self):
        if not self.chord and self.pitch is not None:
            object.__setattr__(self, "chord", (self.pitch,))

    @property
    def pitches(self) -> tuple[int, ...]:
        return self.chord

    @property
    def name(self) -> str:
        return "R" if self.pitch is None else "+".join(midi_to_name(p) for p in self.chord)


@dataclass(frozen=True)
class Event:
    """One voice to play: start and length in seconds, MIDI pitch."""
    start_s: float
    length_s: float
    pitch: int


def to_events(notes: list[Note], tempo: float) -> list[Event]:
    """The melody's steps as timed voices at tempo (beats per minute): a chord gives one voice per pitch."""
    beat = 60.0 / tempo
    events, t = [], 0.0
    for note in notes:
        events += [Event(t, note.beats * beat, p) for p in note.pitches]
        t += note.beats * beat
    return events


def most_voices(events: list[Event]) -> tuple[int, float]:
    """The most voices sounding at once and the first time (s) that many sound."""
    edges = sorted([(e.start_s, 1) for e in events] + [(e.start_s + e.length_s, -1) for e in events],
                   key=lambda edge: (edge[0], edge[1]))  # a voice that ends where another starts does not overlap
    best, at, now = 0, 0.0, 0
    for t, step in edges:
        now += step
        if now > best:
            best, at = now, t
    return best, at


def check_events(events: list[Event], max_seconds: float, max_voices: int = MAX_VOICES) -> None:
    """ValueError when the voices last longer than max_seconds or more than max_voices sound at once."""
    end = max((e.start_s + e.length_s for e in events), default=0.0)
    if end > max_seconds:
        raise ValueError(f"The piece lasts {end:.1f} s; at most {max_seconds:g} s can be generated: use fewer or "
                         "shorter notes, or a faster tempo.")
    voices, at = most_voices(events)
    if voices > max_voices:
        raise ValueError(f"{voices} notes sound at once at {at:.2f} s; at most {max_voices} voices can play "
                         "together: thin out that chord.")


def sounding_at(events: list[Event], step_s: float) -> list[tuple[float, list[int]]]:
    """(time, pitches sounding then) at every step_s seconds up to the end: what the page's note chart draws."""
    end = max((e.start_s + e.length_s for e in events), default=0.0)
    times = np.arange(0.0, end, step_s)
    return [(float(t), sorted(e.pitch for e in events if e.start_s <= t < e.start_s + e.length_s)) for t in times]


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
        parts = token.split("+")
        if len(parts) > MAX_VOICES:
            raise ValueError(f"Note {pos} '{_quote(token)}' is a chord of {len(parts)} notes; at most {MAX_VOICES} "
                             "can sound at once.")
        pitches, dur = [], None
        for i, part in enumerate(parts):
            m = NOTE_RE.match(part)
            if not m or (m.group(4) is not None and i < len(parts) - 1):
                what = "a chord of notes joined with + (the duration after the last)" if len(parts) > 1 else "a note"
                raise ValueError(f"Note {pos} '{_quote(token)}' is not {what}: {EXAMPLE}.")
            letter, accidental, octave, dur = m.groups()
            shift = {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(accidental, 0)
            pitch = (int(octave) + 1) * 12 + SEMITONES[letter.upper()] + shift
            if not 0 <= pitch <= 127:
                raise ValueError(f"Note {pos} '{_quote(token)}' is outside MIDI (C-1 to G9).")
            if low is not None and high is not None and not low <= pitch <= high:
                raise ValueError(f"Note {pos} '{_quote(token)}' is out of range for {instrument}: it plays "
                                 f"{midi_to_name(low)} to {midi_to_name(high)} (the pitches it was trained on).")
            pitches.append(pitch)
        chord = tuple(sorted(set(pitches)))
        notes.append(Note(chord[0], _beats(dur, token, pos), chord))
    if all(n.pitch is None for n in notes):
        raise ValueError(f"The melody has only rests: add at least one note, {EXAMPLE}.")
    return notes
