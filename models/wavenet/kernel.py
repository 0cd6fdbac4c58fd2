"""Which compiled Fast WaveNet loop runs: an ahead-of-time build if an up-to-date one is present, else numba's JIT.

`python -m models build-kernel` compiles models/wavenet/kernel_src.py with numba.pycc into
models/_compiled/wavenet_kernel*.so (needs numba, setuptools and a C compiler at build time; Heroku's build step
runs it from bin/post_compile, tests/install.sh runs it here). The build records the source's SHA-256 next to it; a
build of other source is ignored. It targets Haswell-class x86-64 (AVX2 + FMA, every x86 server CPU since 2013),
and is only loaded where the CPU has those. Loading it costs well under 1 MB; numba's JIT costs ~90 MB of server
memory (numba + LLVM) and seconds of compilation on first use, but works everywhere numba does.

GAN_STUDIO_KERNEL=compiled | jit | auto (default) forces a choice (tests compare the two).
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import platform
from pathlib import Path
from typing import Callable

from models import settings

COMPILED_DIR = Path(__file__).with_name("_compiled")
MODULE = "wavenet_kernel"
SOURCE = Path(__file__).with_name("kernel_src.py")
TARGET_CPU = "haswell"
REQUIRED_CPU_FLAGS = ("avx2", "fma")
SIGNATURE = ("void(f4[:,::1], f4[:,:,::1], f4[:,:,::1], f4[:,::1], f4[:,::1], f4[::1], f4[:,::1], f4[::1], i8[::1], "
             "f4[:,:,::1], f4[:,:,:,::1], i8[::1], i8, i8, f8[:,::1], i8[:,::1], f8, i8[:,::1], f4[:,:,::1], "
             "f4[:,:,::1], f8[::1], i8, i8[::1], i8, i8, f8[::1], f8, f8[::1], f8[::1])")

log = logging.getLogger(__name__)
_chosen: tuple[str, Callable] | None = None


def source_hash() -> str:
    return hashlib.sha256(SOURCE.read_bytes()).hexdigest()


def cpu_supports_build() -> bool:
    """x86-64 Linux with AVX2 and FMA (the build's instruction set); elsewhere the JIT is used."""
    if platform.machine() not in ("x86_64", "AMD64") or not Path("/proc/cpuinfo").is_file():
        return False
    flags = set()
    for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    return all(f in flags for f in REQUIRED_CPU_FLAGS)


def built_file(directory: Path) -> Path | None:
    """The extension module a build wrote into directory (its name carries the Python ABI tag), if any."""
    return next(iter(sorted(directory.glob(f"{MODULE}*.so"))), None)


def load_compiled(directory: Path = COMPILED_DIR) -> Callable | None:
    """The ahead-of-time kernel from directory, or None (not built, stale, or this CPU cannot run it)."""
    stamp = directory / f"{MODULE}.sha256"
    if not cpu_supports_build() or not stamp.is_file() or stamp.read_text().strip() != source_hash():
        return None
    path = built_file(directory)
    if path is None:
        return None
    try:
        spec = importlib.util.spec_from_file_location(MODULE, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.run_steps
    except (ImportError, AttributeError) as err:  # a broken or foreign build
        log.warning("ahead-of-time WaveNet kernel in %s could not be loaded (%s); using numba's JIT", directory, err)
        return None


def load_jit() -> Callable:
    """numba's JIT of the same source (the @njit function itself)."""
    return _kernel_source().run_steps


def _kernel_source():
    """models.wavenet.kernel_src, imported with numba's on-disk compile cache pointed at the app's cache directory
    (GAN_STUDIO_CACHE/numba) rather than beside the source: a running app writes nowhere else. numba reads the
    setting when it is first imported, so every import of the source goes through here."""
    from models.store import cache_dir

    os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir() / "numba"))
    return importlib.import_module("models.wavenet.kernel_src")


def choose() -> tuple[str, Callable]:
    """('compiled' | 'jit', the kernel), decided once per process (GAN_STUDIO_KERNEL overrides)."""
    global _chosen
    if _chosen is None:
        wanted = (settings.text(settings.KERNEL) or "auto").lower()
        if wanted not in ("auto", "compiled", "jit"):
            raise ValueError(f"GAN_STUDIO_KERNEL must be auto, compiled or jit, not {wanted!r}")
        compiled = None if wanted == "jit" else load_compiled()
        if wanted == "compiled" and compiled is None:
            raise RuntimeError("GAN_STUDIO_KERNEL=compiled, but no up-to-date build for this CPU is in "
                               f"{COMPILED_DIR}: run `python -m models build-kernel`.")
        _chosen = ("compiled", compiled) if compiled is not None else ("jit", load_jit())
    return _chosen


def run_steps() -> Callable:
    return choose()[1]


def kernel_name() -> str:
    return choose()[0]


def build(directory: Path = COMPILED_DIR, target_cpu: str = TARGET_CPU) -> Path:
    """Compile the kernel ahead of time into directory (with fastmath, as the JIT does); returns the .so path."""
    jit_run_steps = _kernel_source().run_steps  # first: it sets numba's cache directory before numba is imported
    import numba.core.compiler
    import numba.pycc.compiler
    from numba.pycc import CC

    class FastMathFlags(numba.core.compiler.Flags):  # pycc has no switches for what @njit says in the source:
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fastmath = True  # the loop needs it to vectorise
            self.release_gil = True  # other users' requests run while a melody is generated

    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{MODULE}.sha256").unlink(missing_ok=True)
    cc = CC(MODULE)
    cc.output_dir = str(directory)
    cc.target_cpu = target_cpu
    cc.verbose = False
    cc.export("run_steps", SIGNATURE)(jit_run_steps.py_func)
    plain_flags = numba.pycc.compiler.Flags
    numba.pycc.compiler.Flags = FastMathFlags
    try:
        cc.compile()
    finally:
        numba.pycc.compiler.Flags = plain_flags
    (directory / f"{MODULE}.sha256").write_text(source_hash() + "\n")
    return built_file(directory)
