"""The command line: `list` and `fetch` here; each model family adds its own subcommands (models/<family>/cli.py,
registered through the family table in models/families.py)."""
from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from models import families, registry, store


def cmd_list(args) -> int:
    rows = [("model", "family", "size", "status", "where from")]
    warnings = []
    for entry in registry.load_manifest().values():
        st = store.status(entry)
        state = "present, verified" if st["present"] else ("CORRUPT" if st.get("corrupt") else "absent")
        source = st["source"] + (" (see warning)" if st["problems"] else "")
        rows.append((entry.name, entry.family, f"{entry.bytes / 1e6:.1f} MB", state, source))
        warnings += [f"warning: {entry.name}: {note}" for note in st["problems"]]
    if len(rows) == 1:
        print("No models in the manifest.")
        return 0
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for line in dict.fromkeys(warnings):
        print(line)
    return 0


def cmd_fetch(args) -> int:
    manifest = registry.load_manifest()
    names = list(manifest) if args.all else args.names
    if not names:
        print("Name a model to fetch, or pass --all.", file=sys.stderr)
        return 2
    failed = 0
    for name in names:
        try:
            entry = registry.get(name)
            found = store.locate(entry)
            if found:
                print(f"{name}: present ({found.source}) at {found.path}")
                continue
            with tqdm(total=entry.bytes, unit="B", unit_scale=True, desc=name) as bar:
                path = store.weight_path(entry, progress=lambda done, total: bar.update(done - bar.n))
            print(f"{name}: downloaded and verified at {path}")
        except (registry.UnknownModel, store.WeightError) as err:
            print(f"error: {err}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def cmd_export_onnx(args) -> int:
    from models.browser.export import cmd_export_onnx as run  # onnx / onnxruntime: imported only for this command

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m models", description="GAN Studio models: list, fetch, generate.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="show every model, its size and whether its weights are here and verified")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("fetch", help="download (and verify) model weights")
    p.add_argument("names", nargs="*", help="model names (see `list`)")
    p.add_argument("--all", action="store_true", help="fetch every model in the manifest")
    p.set_defaults(func=cmd_fetch)
    for name in families.FAMILIES:
        register = getattr(families.package(name), "register_cli", None)
        if register is not None:
            register(sub)
    p = sub.add_parser("export-onnx", help="export the slider pages' generators to ONNX for the browser "
                                           "(models/browser/export.py; needs requirements-dev.txt)")
    p.add_argument("names", nargs="*", help="models (default: every one the browser runs)")
    p.add_argument("--check", action="store_true", help="only compare the shipped ONNX files with PyTorch")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.set_defaults(func=cmd_export_onnx)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
