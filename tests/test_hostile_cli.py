"""The command line against hostile input: FIFOs and devices as inputs, --hints or --out are refused at once (never
waited on); every number is validated before use (1e309, NaN, nested JSON, 5000 digits, --nrow 0, negative seeds,
a 9 Gpx grid). Each case: exit status 2, one 'error:' line that names the problem, no traceback, nothing written."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.cli import main as cli_main
from tests.support.hostile_files import encode, line_art

ROOT = Path(__file__).resolve().parents[1]
HUGE = "7" * 5000


@pytest.fixture()
def sketch(tmp_path) -> Path:
    path = tmp_path / "sketch.png"
    path.write_bytes(encode(line_art((96, 64)), "PNG"))
    return path


@pytest.fixture()
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def run(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI as a process, so a regression that blocks on a FIFO fails the test instead of hanging the run."""
    return subprocess.run([sys.executable, "-m", "models", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


def one_error_line(err: str, *words: str) -> None:
    err = err.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in err, err
    assert len(err) < 400, err
    for w in words:
        assert w in err, err


# --- FIFOs ---

def test_fifo_as_input_is_refused(fifo, tmp_path):
    done = run("colorize", str(fifo), "--out", str(tmp_path / "o.png"), timeout=60)
    assert done.returncode == 2
    one_error_line(done.stderr, "named pipe (FIFO)", "not a regular file")


def test_fifo_as_hints_is_refused(fifo, sketch, tmp_path):
    done = run("colorize", str(sketch), "--out", str(tmp_path / "o.png"), "--hints", str(fifo), timeout=60)
    assert done.returncode == 2
    one_error_line(done.stderr, "hints file", "named pipe (FIFO)")


@pytest.mark.parametrize("command", [["wavenet", "--notes", "C4"], ["generate", "dcgan-mnist"],
                                     ["infogan", "--digit", "3"], ["colorize", "SKETCH"]])
def test_fifo_as_out_is_refused(command, fifo, sketch):
    done = run(*[str(sketch) if a == "SKETCH" else a for a in command], "--out", str(fifo), timeout=60)
    assert done.returncode == 2
    one_error_line(done.stderr, "named pipe (FIFO)")


def test_device_as_input_is_refused(tmp_path):
    done = run("colorize", "/dev/zero", "--out", str(tmp_path / "o.png"), timeout=60)
    assert done.returncode == 2
    one_error_line(done.stderr, "device")


# --- numbers in hint files ---

@pytest.mark.parametrize("text, words", [
    ('[{"x": 1e309, "y": 5, "color": "#ff0000"}]', "too large"),
    ('[{"x": NaN, "y": 5, "color": "#ff0000"}]', "NaN"),
    ('[{"x": Infinity, "y": 5, "color": "#ff0000"}]', "Infinity"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('[{"x": ' + HUGE + ', "y": 5, "color": "#ff0000"}]', "5,000 digits"),
    ('[{"x": true, "y": 5, "color": "#ff0000"}]', "numeric x, y"),
    ('[{"x": 5000, "y": 5, "color": "#ff0000"}]', "outside the 96 x 64 picture"),
    ('[{"x": 5, "y": 5, "color": "' + "f" * 5000 + '"}]', "not of the form #rrggbb"),
    (json.dumps([{"x": 1, "y": 1, "color": "#000000"}] * 1001), "at most 1000"),
])
def test_bad_numbers_in_hints(text, words, sketch, tmp_path, capsys):
    (tmp_path / "h.json").write_text(text)
    code = cli_main(["colorize", str(sketch), "--out", str(tmp_path / "o.png"), "--hints", str(tmp_path / "h.json")])
    assert code == 2
    one_error_line(capsys.readouterr().err, words)
    assert not (tmp_path / "o.png").exists()


# --- numbers on the command line ---

@pytest.mark.parametrize("argv, words", [
    (["generate", "dcgan-mnist", "--n", "4", "--nrow", "0"], "--nrow must be a whole number from 1"),
    (["generate", "dcgan-mnist", "--n", "4", "--nrow", "-3"], "--nrow"),
    (["generate", "dcgan-mnist", "--seed", HUGE], "--seed must be a whole number"),
    (["generate", "dcgan-mnist", "--seed", "1e309"], "--seed"),
    (["generate", "dcgan-mnist", "--n", "10000", "--scale", "32"], "lower --n or --scale"),
    (["generate", "dcgan-mnist", "--scale", "nan"], "--scale"),
    (["wavenet", "--notes", "C4", "--seed", "-1"], "--seed must be a whole number from 0"),
    (["wavenet", "--notes", "C4", "--tempo", "1e309"], "--tempo must be a number from 20 to 300"),
    (["wavenet", "--notes", "C4", "--tempo", "nan"], "--tempo"),
    (["wavenet", "--notes", "C4", "--temperature", "NaN"], "--temperature"),
    (["wavenet", "--notes", "C4", "--seed", HUGE], "5,000 characters"),
    (["infogan", "--digit", "3", "--seed", HUGE], "5,000 characters"),
    (["infogan", "--digit", "3", "--rotation", "1e309"], "--rotation must be a number from -2 to 2"),
])
def test_bad_numbers_on_the_command_line(argv, words, tmp_path, capsys):
    out = tmp_path / "out.wav" if argv[0] == "wavenet" else tmp_path / "out.png"
    code = cli_main([*argv, "--out", str(out)])
    assert code == 2
    one_error_line(capsys.readouterr().err, words)
    assert not out.exists()


def test_a_grid_at_the_limit_still_works(tmp_path):
    assert cli_main(["generate", "dcgan-mnist", "--n", "100", "--nrow", "10", "--scale", "4",
                     "--out", str(tmp_path / "g.png")]) == 0
    assert (tmp_path / "g.png").is_file()
