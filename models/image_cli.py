"""The input loop the picture CLIs share (`colorize` for sketches, `photo` for photographs): --out for one input or
--out-dir DIR for several (each output named like its input, .png), --hints fitted to each input by relative
position, the model loaded once and only when there is something to do. A bad input (unreadable picture, hints
outside it, an output that is not a regular file) is one line on stderr and the others are still done; the exit
status is non-zero if any failed. Missing or broken weights stop the run with one line."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from models.limits import MAX_HINTS_BYTES
from models.pix2pix.hints import check_hints_fit, fit_hints, load_hint_set
from models.safe_files import NotRegularFile, check_output, read_regular

HINTS_HELP = ('JSON list of colour hints: [{"x": 40, "y": 60, "color": "#ff8800"}] in input pixels, or a hint set '
              'saved by the page')
# render(model, picture, hints, target) writes target (and any extra files) and returns what it wrote, for the log
Render = Callable[[object, object, list, Path], str]


class InputRefused(ValueError):
    """render's one-line reason for not doing this input (the others are still done)."""


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def read_hints(path: str | None) -> tuple[list[dict] | None, tuple[int, int] | None]:
    """(hints, the size of the picture a saved hint set was made on, or None) from a JSON file; ValueError with a
    one-line reason otherwise."""
    if not path:
        return None, None
    try:
        data = read_regular(path, MAX_HINTS_BYTES)  # a FIFO or device is refused, never waited on
    except OSError as err:
        raise ValueError(f"cannot read hints file {path}: {err.strerror or err}") from None
    return load_hint_set(data, f"hints file {path}")


def load_named(model_name: str):
    """The model, or RuntimeError with a one-line reason when its weights are unknown, missing or broken."""
    from models import registry, store
    from models.loading import load_model

    try:
        return load_model(model_name)
    except (registry.UnknownModel, store.WeightError) as err:
        raise RuntimeError(str(err)) from None


def run_inputs(args, model_name: str, render: Render, extra_outputs: Callable[[Path], list[Path]] = lambda t: [],
               load: Callable[[str], object] | None = None) -> int:
    """The whole command for args.inputs / args.out / args.out_dir / args.hints (see the module doc); extra_outputs
    names the files besides each target that render writes, so they are checked before anything is computed; load
    reads one input (default models.uploads.load_upload with its limits)."""
    if args.out and args.out_dir:
        return fail("give either --out (one input) or --out-dir (any number of inputs), not both")
    if not args.out and not args.out_dir:
        return fail("say where to write the result: --out colored.png, or --out-dir DIR for several inputs")
    if args.out and len(args.inputs) != 1:
        return fail(f"--out takes exactly one input ({len(args.inputs)} given); use --out-dir DIR for several")
    try:
        hints, hint_size = read_hints(getattr(args, "hints", None))
        for path in [Path(args.out), *extra_outputs(Path(args.out))] if args.out else []:
            check_output(path)
    except (ValueError, NotRegularFile) as err:
        return fail(str(err))

    from models.uploads import load_upload

    out_dir = Path(args.out_dir) if args.out_dir else None
    if out_dir:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return fail(f"cannot create output folder {out_dir}: {err.strerror or err}")
    model, failed = None, 0
    for name in args.inputs:
        target = Path(args.out) if args.out else out_dir / (Path(name).stem + ".png")
        try:
            picture = (load or load_upload)(name)
            fitted = fit_hints(hints or [], hint_size, picture.width, picture.height)
            check_hints_fit(fitted, picture.width, picture.height)
            for path in [target, *extra_outputs(target)]:
                check_output(path)
        except (ValueError, NotRegularFile) as err:  # UploadError, hints outside this picture, a FIFO as output
            print(f"error: {name}: {err}", file=sys.stderr)
            failed += 1
            continue
        try:
            if model is None:
                model = load_named(model_name)
        except RuntimeError as err:
            return fail(str(err))
        try:
            written = render(model, picture, fitted, target)
        except InputRefused as err:
            print(f"error: {name}: {err}", file=sys.stderr)
            failed += 1
            continue
        except (OSError, ValueError) as err:
            print(f"error: {name}: cannot write {target}: {getattr(err, 'strerror', None) or err}", file=sys.stderr)
            failed += 1
            continue
        print(f"{name} -> {written}")
    return 2 if failed else 0
