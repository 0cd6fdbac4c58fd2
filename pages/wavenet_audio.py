"""WaveNet Audio page: type or click a melody (chords joined with +) or upload a MIDI file, pick an instrument, and hear
a WaveNet play it sample by sample, next to the SoundFont's own rendering of the same notes."""
from __future__ import annotations

import random

import streamlit as st

from models import registry
from models.inference_queue import QueueFull, QueueTimeout, queue_for
from models.limits import MAX_SEED
from models.wavenet import midi as midi_lib, soundfont
from models.wavenet.audio import spectrogram_image, wav_bytes, waveform_image
from models.wavenet.melody import MAX_CHARS, MAX_VOICES, NAMES, check_events, midi_to_name, to_events
from models.wavenet.model import DEFAULT_TEMPERATURE, MAX_SECONDS, check_duration
from pages.common import get_model, link_choice, link_number, warn_ignored_params
from pages.plain import plain


MODEL_NAME = "wavenet-instruments"
PRESETS = {  # all within C4..E5, which every instrument plays
    "Arpeggio": "C4 E4 G4 C5:2",
    "Scale": "C4:0.5 D4:0.5 E4:0.5 F4:0.5 G4:0.5 A4:0.5 B4:0.5 C5:2",
    "Twinkle, twinkle": "C4 C4 G4 G4 A4 A4 G4:2 F4 F4 E4 E4 D4 D4 C4:2",
    "Ode to Joy": "E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 E4:1.5 D4:0.5 D4:2",
    "Blues lick": "C4:0.5 Eb4:0.5 F4:0.5 F#4:0.5 G4 Bb4:0.5 C5:1.5",
    "Chords: C F G C": "C4+E4+G4:2 F4+A4+C5:2 G4+B4+D5:2 C4+E4+G4+C5:2",
    "Chord, then melody": "C4+E4+G4:2 F4 G4:2",
    "Minor chords": "A4+C5+E5:2 D4+F4+A4:2 E4+G#4+B4:2 A4+C5+E5:2",
}
OWN_MELODY = "(your own melody)"
DURATIONS = {"1/2 beat": ":0.5", "1 beat": "", "2 beats": ":2", "4 beats": ":4"}
DEFAULTS = {"instrument": "piano", "notes": PRESETS["Arpeggio"], "tempo": 120, "temperature": DEFAULT_TEMPERATURE,
            "seed": 0}
KEYS = {name: f"wn_{name}" for name in DEFAULTS}  # query parameter -> widget key


def parse_params(params, instruments: list[str]) -> tuple[dict, list[str]]:
    """Validated values from the URL query (defaults for missing or malformed ones) and one note per bad value."""
    values, bad = dict(DEFAULTS), []
    values["instrument"] = link_choice(params, "instrument", instruments, DEFAULTS["instrument"], bad)
    if "notes" in params:
        text = str(params["notes"])[:MAX_CHARS]
        values["notes"] = text  # a malformed melody is shown and explained when generating, like a typed one
    for name, cast, low, high in (("tempo", int, 40, 240), ("temperature", float, 0.0, 1.5), ("seed", int, 0, MAX_SEED)):
        values[name] = link_number(params, name, cast, low, high, DEFAULTS[name], bad)
    return values, bad


def set_preset() -> None:
    choice = st.session_state.get("wn_preset")
    if choice in PRESETS:
        st.session_state[KEYS["notes"]] = PRESETS[choice]


def add_token(token: str) -> None:
    text = st.session_state.get(KEYS["notes"], "").strip()
    longer = f"{text} {token}".strip()
    if len(longer) > MAX_CHARS:
        st.session_state["wn_full"] = True  # said next to the box on this run
        return
    st.session_state[KEYS["notes"]] = longer


def add_picked_note() -> None:
    name = st.session_state.get("wn_pick_note") or "C"
    octave = st.session_state.get("wn_pick_octave", 4)
    add_token(f"{name}{octave}{DURATIONS[st.session_state.get('wn_pick_dur', '1 beat')]}")


def undo_token() -> None:
    tokens = st.session_state.get(KEYS["notes"], "").split()
    st.session_state[KEYS["notes"]] = " ".join(tokens[:-1])


def new_seed() -> None:
    st.session_state[KEYS["seed"]] = random.randint(0, 99_999)


def timeline(events: tuple, max_lines: int = 40) -> str:
    """One line per moment the sounding notes change: 'time s: the notes sounding then' (plain text)."""
    edges = sorted({e[0] for e in events} | {round(e[0] + e[1], 4) for e in events})
    lines = []
    for t in edges:
        now = sorted(e[2] for e in events if e[0] <= t < e[0] + e[1])
        lines.append(f"{t:6.2f} s  " + (" + ".join(midi_to_name(p) for p in now) if now else "(silence)"))
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... and {len(lines) - max_lines} more changes"]
    return "\n".join(lines)


@st.cache_data(max_entries=32, show_spinner=False)
def soundfont_reference(program: int, events: tuple, total_s: float) -> bytes:
    return wav_bytes(soundfont.render(program, list(events), total_s, gain=1.5), 16000)


st.title("🎵 WaveNet Audio")
st.write("A small WaveNet, trained here on single notes that FluidSynth rendered from a General MIDI SoundFont, "
         "generates every sample of your melody one after another (16,000 per second), conditioned on the "
         "instrument and the pitch. All notes of the melody are generated together, then joined with short fades.")

model = get_model(MODEL_NAME)
if model is None:
    st.stop()

metrics = registry.get(MODEL_NAME).metrics
if metrics.get("pitch_acc_within_50_cents") is not None:
    acc, bits = metrics["pitch_acc_within_50_cents"], metrics.get("heldout_bits_per_sample")
    note = (f"Held-out evaluation: {acc:.0%} of generated notes within 50 cents of the requested pitch"
            + (f", {bits:.2f} bits per sample on held-out notes (8 = chance)." if bits is not None else "."))
    each = {i: metrics["pitch_acc_" + i] for i in model.instruments if "pitch_acc_" + i in metrics}
    if min([acc, *each.values()]) < 0.9:  # the goal: 90 % in tune for every instrument
        per_instrument = ", ".join(f"{i} {v:.1%}" for i, v in each.items())
        st.info(f"**This model is still short of its quality goal** (90 % of notes in tune for every instrument: "
                f"{per_instrument}): some of its notes "
                f"come out noisy or off pitch. {note} The SoundFont rendering shown next to it is what it is "
                "learning to play.")
    else:
        st.caption(note)


def quality_line(instrument: str) -> str | None:
    """The card's figures for one instrument, for the caption next to the player (None before they are measured)."""
    if f"off_harmonic_db_{instrument}" not in metrics:
        return None
    return (f"Model card, {instrument}: {metrics.get('pitch_acc_' + instrument, float('nan')):.0%} of notes in tune; "
            f"noise (energy off the harmonics) {metrics['off_harmonic_db_' + instrument]:.1f} dB against "
            f"{metrics['off_harmonic_db_soundfont_' + instrument]:.1f} dB for the SoundFont (target: within 3 dB); "
            f"loudness {metrics['loudness_vs_soundfont_median_db_' + instrument]:+.1f} dB against the SoundFont's "
            f"median note, {metrics['notes_over_10db_quieter_' + instrument]} of "
            f"{metrics['quality_notes_' + instrument]} test notes over 10 dB quieter (target: none).")


HONEST_NOTE = ("What is left: the WaveNet's notes are still much noisier than the SoundFont's (a hiss under every "
               "note: the noise figure above); notes that come out far too quiet are turned up (a "
               "plain gain, which turns their hiss up too) and a rare one stays nearly silent. Chords are notes "
               "generated side by side and mixed, as noisy as single notes, and each voice costs as much time as a "
               "note; MIDI velocities are not played.")

if KEYS["instrument"] not in st.session_state:  # first run of this session: start from the link's values
    start, problems = parse_params(st.query_params, model.instruments)
    warn_ignored_params(problems)
    for name, key in KEYS.items():
        st.session_state[key] = start[name]

left, right = st.columns([3, 2])
with left:
    instrument = st.radio("Instrument", model.instruments, key=KEYS["instrument"], horizontal=True,
                          format_func=str.capitalize)
    low, high = model.pitch_range(instrument)
    st.caption(f"{instrument.capitalize()} plays {midi_to_name(low)} to {midi_to_name(high)} "
               "(the pitches it was trained on).")
    # the box names the preset the melody box holds, or says it is the visitor's own once they edit it
    typed = st.session_state.get(KEYS["notes"], "").strip()
    st.session_state["wn_preset"] = next((name for name, tune in PRESETS.items() if tune == typed), OWN_MELODY)
    st.selectbox("Preset melody", [OWN_MELODY] + list(PRESETS), key="wn_preset", on_change=set_preset)
    text = st.text_area("Melody", key=KEYS["notes"], height=80, max_chars=MAX_CHARS,
                        help="Note names A-G with optional # or b and an octave (C4 = middle C); add :beats for a "
                             "longer or shorter note (G4:2, E4:0.5); R is a rest. A chord joins notes with +: "
                             f"C4+E4+G4:2 (at most {MAX_VOICES} at once).")
    if st.session_state.pop("wn_full", False):
        st.warning(f"The melody box is full ({MAX_CHARS:,} characters at most): remove notes before adding more.")
    upload = st.file_uploader(f"Or play a MIDI file (.mid, at most {midi_lib.MAX_BYTES // 1024} kB, "
                              f"{MAX_SECONDS} s, {MAX_VOICES} notes at once)", type=midi_lib.EXTENSIONS,
                              key="wn_midi")
    midi_octaves = st.number_input("Transpose the MIDI file by octaves", min_value=-4, max_value=4, value=0,
                                   step=1, key="wn_octaves") if upload is not None else 0
    with st.expander("Note picker", expanded=False):
        octaves = list(range(low // 12 - 1, high // 12))
        st.pills("Note", NAMES, key="wn_pick_note", default="C")
        a, b = st.columns(2)
        a.selectbox("Octave", octaves, index=octaves.index(4) if 4 in octaves else 0, key="wn_pick_octave")
        b.selectbox("Length", list(DURATIONS), index=1, key="wn_pick_dur")
        c1, c2, c3, c4 = st.columns(4)
        c1.button("➕ Add note", on_click=add_picked_note, width="stretch")
        c2.button("Add rest", on_click=add_token, args=("R",), width="stretch")
        c3.button("↩ Undo", on_click=undo_token, width="stretch")
        c4.button("Clear", on_click=lambda: st.session_state.update({KEYS["notes"]: ""}), width="stretch")
with right:
    tempo = st.slider("Tempo (beats per minute)", 40, 240, key=KEYS["tempo"])
    temperature = st.slider("Temperature", 0.0, 1.5, step=0.05, key=KEYS["temperature"],
                            help=f"1 samples the model's distribution as learned; lower is more conservative: "
                                 f"{DEFAULT_TEMPERATURE:g} (the default) gives cleaner notes that are more often in "
                                 f"tune; 0 always takes the likeliest sample (often dull).")
    s1, s2 = st.columns([3, 1])
    seed = s1.number_input("Seed", 0, MAX_SEED, step=1, key=KEYS["seed"])
    s2.button("🎲", on_click=new_seed, help="a random seed")
    generate = st.button("🎵 Generate", type="primary", width="stretch")

if generate:
    try:
        if upload is not None:
            if upload.size > midi_lib.MAX_BYTES:
                raise midi_lib.MidiError(f"The MIDI file is larger than {midi_lib.MAX_BYTES // 1024} kB: send a "
                                         "shorter excerpt.")
            events = midi_lib.transpose(midi_lib.read_midi(upload.getvalue()), 12 * int(midi_octaves))
            midi_lib.check_range(events, low, high, instrument, int(midi_octaves))
            seconds = max(e.start_s + e.length_s for e in events)
            label = f"MIDI file {upload.name}"
        else:
            notes = model.parse(text, instrument)
            seconds = check_duration(notes, tempo)
            events = to_events(notes, tempo)
            label = " ".join(n.name + (f":{n.beats:g}" if n.beats != 1 else "") for n in notes)
        check_events(events, MAX_SECONDS)
    except midi_lib.MidiError as err:
        st.error(f"**This MIDI file cannot be played:** {plain(err, limit=400)}")
    except ValueError as err:
        st.error(f"**Fix the melody:** {plain(err, limit=400)}")
    else:
        line = st.empty()
        try:
            with queue_for(MODEL_NAME).turn(on_wait=lambda place: line.info(
                    f"Waiting for the WaveNet: {place - 1} request(s) ahead of yours." if place > 1 else
                    "Waiting for the WaveNet: yours is next.")) as turn:
                line.empty()
                bar = st.progress(0.0, text="Generating sample by sample...")
                audio = model.render_events(
                    events, instrument, temperature=temperature, seed=int(seed), total_s=seconds,
                    progress=lambda f: bar.progress(f, text=f"Generating sample by sample... {f:.0%}"))
                elapsed = turn.elapsed()
            bar.empty()
        except (QueueFull, QueueTimeout) as err:
            line.empty()
            st.warning(plain(err))
            st.stop()
        st.session_state["wn_result"] = {
            "audio": audio, "instrument": instrument, "notes": label, "seconds": seconds, "elapsed": elapsed,
            "waited": turn.waited_s, "total_s": len(audio) / model.sample_rate,
            "events": tuple((round(e.start_s, 4), round(e.length_s, 4), e.pitch, 100) for e in events),
        }
        if upload is None:
            st.query_params.update({"instrument": instrument, "notes": text.strip(), "tempo": str(tempo),
                                "temperature": f"{temperature:g}", "seed": str(int(seed))})

result = st.session_state.get("wn_result")
if result:
    sr = model.sample_rate
    audio = result["audio"]
    st.subheader(plain(f"{result['instrument'].capitalize()}: {result['notes']}", limit=400))
    waited = result.get("waited", 0.0)
    st.caption(f"{result['seconds']:.2f} s of audio generated in {result['elapsed']:.2f} s "
               f"({result['seconds'] / max(result['elapsed'], 1e-6):.1f}x real time)"
               + (f"; waited {waited:.2f} s in the queue for the model." if waited >= 0.05 else "."))
    col_model, col_sf = st.columns(2)
    with col_model:
        st.markdown("**WaveNet**")
        data = wav_bytes(audio, sr)
        st.audio(data, format="audio/wav")
        st.download_button("⬇️ Download WAV", data, file_name=f"wavenet-{result['instrument']}.wav",
                           mime="audio/wav")
    with col_sf:
        st.markdown("**SoundFont (FluidSynth) rendering of the same notes**")
        missing = soundfont.available()
        if missing:
            st.info(f"The SoundFont reference is not available here: {plain(missing)}")
        else:
            program = model.config["instruments"][model.instrument_index(result["instrument"])]["program"]
            try:
                st.audio(soundfont_reference(program, result["events"], result["total_s"]), format="audio/wav")
            except (soundfont.SoundFontUnavailable, OSError) as err:
                st.warning(f"FluidSynth could not render the reference: {plain(err)}")
    figures = quality_line(result["instrument"])
    if figures:
        st.caption(figures)
    st.caption(HONEST_NOTE)
    st.markdown("**Which notes sound when**")
    st.text(timeline(result["events"]))
    st.markdown(f"**Waveform** (0-{len(audio) / sr:.2f} s)")
    st.image(waveform_image(audio), width="stretch")
    st.markdown("**Spectrogram** (0-8 kHz, log magnitude)")
    st.image(spectrogram_image(audio, sr), width="stretch")
