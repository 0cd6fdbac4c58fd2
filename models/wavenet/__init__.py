"""WaveNet family: instrument notes generated sample by sample, conditioned on instrument and pitch.

config.py: WaveNetConfig (network shape, pitch range, instruments); model.py: the network and WaveNetSynth (melody ->
audio); fast.py: the ring-buffer sampler (O(layers) per sample); kernel_src.py / kernel.py: its compiled per-sample
loop and how it is built or JIT-compiled; graph.py: the same step as a CUDA graph; melody.py: melody text (chords)
and timed voices; midi.py: MIDI files; audio.py: mu-law, WAV and pictures; pitch.py: YIN pitch; quality.py:
off-harmonic energy and loudness of a note; soundfont.py: the real FluidSynth rendering; cli.py: `python -m models
wavenet` and `build-kernel`.
"""
from models.wavenet.config import WaveNetConfig as CONFIG
from models.wavenet.model import from_entry
from models.wavenet.cli import register as register_cli

__all__ = ["CONFIG", "from_entry", "register_cli"]
