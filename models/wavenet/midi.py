"""MIDI files -> timed voices for the WaveNet (mido): notes, durations, tempo changes and overlapping notes.

`read_midi(source)` takes bytes, a file-like object or a path and returns the notes as melody Events (start and
length in seconds, with every tempo change applied), all channels but General MIDI drums (channel 10) played by the
one chosen instrument. Every problem is a MidiError whose message says what to do: not a MIDI file, too big, too many
messages or notes, no notes, longer than the 30 s limit, more voices at once than MAX_VOICES. `check_range` names the
notes outside an instrument's trained range and the octave shifts that would bring them all in; `transpose` shifts.
Velocities are read but not played: the WaveNet has no velocity input.
"""
from __future__ import annotations

import io

import mido

from models import limits
from models.safe_files import NotRegularFile, read_source
from models.wavenet.melody import Event, check_events, midi_to_name

MAX_BYTES = limits.MAX_MIDI_BYTES
MAX_NOTES = limits.MAX_MIDI_NOTES
MAX_MESSAGES = limits.MAX_MIDI_MESSAGES
DRUM_CHANNEL = 9  # General MIDI channel 10 (counted from 0): percussion, not pitches
MIN_NOTE_S = 0.02  # a note shorter than this (a zero-length note-on/off pair) is played this long
EXTENSIONS = ["mid", "midi"]


class MidiError(ValueError):
    """A user-facing message about an unusable MIDI file."""


def _data_of(source) -> bytes:
    try:
        return read_source(source, MAX_BYTES)
    except NotRegularFile as err:
        raise MidiError(str(err)) from None


def read_midi(source, max_seconds: float = limits.MAX_MELODY_SECONDS) -> list[Event]:
    """The file's notes as Events sorted by start (MidiError with what to fix when it cannot be played)."""
    data = _data_of(source)
    if len(data) > MAX_BYTES:
        raise MidiError(f"The MIDI file is larger than {MAX_BYTES // 1024} kB; a {max_seconds:g} s piece needs only "
                        "a few kB: send a shorter excerpt.")
    if not data.startswith(b"MThd"):
        raise MidiError("This is not a MIDI file (a .mid file starts with 'MThd'): export the tune as a Standard "
                        "MIDI File.")
    try:
        midi = mido.MidiFile(file=io.BytesIO(data), clip=True)
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as err:
        raise MidiError(f"The MIDI file is damaged and cannot be read ({type(err).__name__}: {str(err)[:80]}).") \
            from None
    if sum(len(track) for track in midi.tracks) > MAX_MESSAGES:
        raise MidiError(f"The MIDI file has more than {MAX_MESSAGES:,} messages: send a shorter excerpt.")
    if midi.type == 2:
        raise MidiError("This is a type 2 MIDI file (independent patterns): export it as type 0 or 1.")
    events, held, now = [], {}, 0.0
    try:
        for msg in midi:  # delta times in seconds, tempo changes applied
            now += msg.time
            if now > max_seconds + 60:  # far past the limit: no need to read on
                break
            if msg.type not in ("note_on", "note_off") or msg.channel == DRUM_CHANNEL:
                continue
            key = (msg.channel, msg.note)
            if msg.type == "note_on" and msg.velocity > 0:
                if key in held:  # a repeated note-on ends the sounding one
                    events.append(_event(held.pop(key), now, msg.note))
                held[key] = now
            elif key in held:
                events.append(_event(held.pop(key), now, msg.note))
            if len(events) > MAX_NOTES:
                raise MidiError(f"The MIDI file has more than {MAX_NOTES} notes; at most {MAX_NOTES} can be played "
                                "at once: send a shorter excerpt.")
    except (ValueError, KeyError, IndexError, TypeError) as err:
        if isinstance(err, MidiError):
            raise
        raise MidiError(f"The MIDI file is damaged and cannot be read ({type(err).__name__}).") from None
    events += [_event(start, now, note) for (_, note), start in held.items()]  # never released: until the end
    if not events:
        raise MidiError("The MIDI file has no notes to play (drum notes on channel 10 are left out).")
    events.sort(key=lambda e: (e.start_s, e.pitch))
    first = events[0].start_s  # leading silence (count-in bars) is dropped
    events = [Event(round(e.start_s - first, 4), e.length_s, e.pitch) for e in events]
    try:
        check_events(events, max_seconds)
    except ValueError as err:
        raise MidiError(str(err).replace("The piece", "The MIDI file's notes")) from None
    return events


def _event(start: float, end: float, pitch: int) -> Event:
    return Event(start, round(max(end - start, MIN_NOTE_S), 4), pitch)


def transpose(events: list[Event], semitones: int) -> list[Event]:
    return [Event(e.start_s, e.length_s, e.pitch + semitones) for e in events]


def check_range(events: list[Event], low: int, high: int, instrument: str, octaves: int = 0) -> None:
    """MidiError naming the notes outside low..high and the octave shifts that would bring all of them in. events
    are the file's notes shifted by `octaves` already (the offer counts from the file's own pitches)."""
    outside = sorted({e.pitch for e in events if not low <= e.pitch <= high})
    if not outside:
        return
    names = ", ".join(midi_to_name(p) for p in outside[:12]) + (f" and {len(outside) - 12} more"
                                                                 if len(outside) > 12 else "")
    shifts = sorted((octaves + k for k in fitting_octaves(events, low, high)), key=abs)
    lo, hi = min(e.pitch for e in events), max(e.pitch for e in events)
    offer = (" Transpose by " + " or ".join(f"{k:+d}" for k in shifts) + " octave(s) to fit." if shifts else
             f" Its notes span {midi_to_name(lo)}-{midi_to_name(hi)}, wider than that range: no octave shift fits.")
    raise MidiError(f"{len(outside)} pitch(es) are outside {instrument}'s trained range "
                    f"{midi_to_name(low)}-{midi_to_name(high)}: {names}.{offer}")


def fitting_octaves(events: list[Event], low: int, high: int) -> list[int]:
    """The octave shifts (-4..4, 0 included) under which every note is inside low..high."""
    lo, hi = min(e.pitch for e in events), max(e.pitch for e in events)
    return [k for k in range(-4, 5) if low <= lo + 12 * k and hi + 12 * k <= high]
