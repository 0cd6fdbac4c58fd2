"""The limits a visitor (or a command-line user) meets, in one place. Every module that enforces one imports it here.

The server runs in 512 MB (a Heroku basic dyno). With the colorizer loaded and CPU-only torch it sits near 300 MB.
Coloring a 4 M pixel picture (decode, flatten, network at the working size, full-size uint8 composition, PNG) costs
about 57 MB more at its peak (~14 bytes per pixel, measured), so MAX_PIXELS = 4 M leaves room for other sessions,
while 25 M pixels (5000 x 5000, the old limit) needed ~350 MB more and was OOM-killed. The worst allowed upload (2000 x 2000 RGBA noise, 16 MB) peaks at 347-374 MB for the whole server inside a real
512 MB cgroup (tests/test_hostile_cgroup.py); decoding alone stays under DECODE_BYTES_PER_PIXEL per pixel
(tests/test_hostile_uploads.py). The Streamlit configs (.streamlit/config.toml and the one setup.sh writes) repeat
three of these for the transport: server.maxUploadSize (MB) = MAX_UPLOAD_BYTES, server.maxWidgetStateSize = 1 MB per
client message, server.maxCacheDataSize = 64 MB of cached results; tests/test_hostile_config.py keeps them equal.
"""
from __future__ import annotations

MAX_SEED = 2**31 - 1  # seeds are 0..MAX_SEED everywhere: CLI, pages, links, backends

# uploads (models/uploads.py)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # one picture file
MAX_PIXELS = 4_000_000  # width x height, from the header, before decoding: e.g. 2000 x 2000
MAX_ASPECT = 16  # longer side / shorter side
DECODE_BYTES_PER_PIXEL = 16  # load_upload's own peak, per pixel

# the photo colorizer (models/photo/model.py): the network runs at most at this size; the full-size result is
# composed in bands of about PHOTO_BAND_PIXELS pixels. Photos may be larger than other pictures (a 12 MP phone photo
# is 4032 x 3024): they are decoded straight to grey and only a working-size copy is kept per session; the figures
# for a 12 MP photo inside a real 512 MB cgroup: tests/test_hostile_cgroup.py (0 OOM kills)
PHOTO_MAX_PIXELS = 12_500_000  # width x height of one photo upload
PHOTO_WORK_SIDE = 256  # shorter side inside the network (the model's config may ask for less, never more)
PHOTO_MAX_WORK_SIDE = 768  # longer side inside the network
PHOTO_BAND_PIXELS = 1 << 18  # pixels composed at a time (64 rows of a 4096 px wide photo)

# melodies (models/wavenet/melody.py, the WaveNet page's text box)
MAX_MELODY_CHARS = 1000
MAX_MELODY_NOTES = 64  # steps: a note, a rest or a chord
MAX_VOICES = 6  # notes sounding at once (a chord "C4+E4+G4", or overlapping notes of a MIDI file)
MAX_MELODY_SECONDS = 30  # the longest piece one request may generate

# MIDI files (models/wavenet/midi.py: the WaveNet page's upload and `--midi`)
MAX_MIDI_BYTES = 256 * 1024  # a 30 s piece is a few kB; this leaves room for long meta and controller tracks
MAX_MIDI_NOTES = 400  # notes read from one file (6 voices x 30 s of 1/8-beat notes at 120 bpm would be 1,440)
MAX_MIDI_MESSAGES = 200_000  # messages of all tracks together: mido reads them all before the notes are counted

# the inference queue of each model (models/inference_queue.py)
MAX_RUNNING = 1  # requests computing at once
MAX_WAITING = 4  # requests waiting behind them; the next is told to try again
MAX_WAIT_S = 120.0  # longest wait in line
# models that share one line: a sketch and a photo colorization each take 50-80 MB at their peak, so a 512 MB server
# runs one of them at a time (ten visitors, two of them on photos, got it OOM-killed when both could run at once)
SHARED_QUEUES = {"pix2pix-openmoji": "colorizers", "photo-colorizer": "colorizers"}

# transport (mirrored in the Streamlit configs)
MAX_CLIENT_MESSAGE_MB = 1  # server.maxWidgetStateSize
MAX_CACHE_DATA = "64mb"  # server.maxCacheDataSize

# colour hints (models/pix2pix/hints.py: `--hints` files, the page's clicks and its saved hint sets)
MAX_HINTS = 1000  # hints on one sketch
MAX_HINTS_BYTES = 1 << 20  # one hint file
MAX_HINT_COORDINATE = 100_000  # pixels: a hint position, or a saved set's sketch width and height

# command line
MAX_OUTPUT_PIXELS = 50_000_000  # one picture `generate` writes (a grid)

# inversion (models/dcgan/invert.py, `python -m models invert`, the Latent Explorer's "Start from your image")
MAX_INVERT_INPUTS = 200  # pictures one `invert` command takes
MAX_LATENT_PARAM_CHARS = 400  # a latent in a link: base64 of latent_dim fp16 values (100 -> 268 characters)
MAX_LATENT_ABS = 30.0  # largest value of one latent coordinate a link may carry
