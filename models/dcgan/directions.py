"""What each SeFa direction of a DCGAN does, in plain words, as measured by training/dcgan/measure_directions.py and
recorded in the model's manifest metrics ("sefa_directions"): the Latent Explorer names its sliders by it."""
from __future__ import annotations

from models import registry


def measured(name: str) -> list[dict]:
    """The recorded measurement of each direction, strongest first ([] when the model has none)."""
    try:
        report = registry.get(name).metrics.get("sefa_directions", [])
    except registry.UnknownModel:
        return []
    return report if isinstance(report, list) and all(isinstance(r, dict) for r in report) else []


def slider_label(name: str, index: int) -> str:
    """'Direction 1: leans right, turns 7 into 9', or 'Direction 1' where nothing was measured."""
    report = measured(name)
    words = report[index].get("name") if index < len(report) else None
    return f"Direction {index + 1}: {words}" if isinstance(words, str) and words else f"Direction {index + 1}"


def slider_help(name: str, index: int, eigenvalue: float, share: float) -> str:
    """The tooltip: what was measured along the direction, then the maths."""
    report = measured(name)
    lines = []
    if index < len(report):
        r = report[index]
        metrics = registry.get(name).metrics
        n, step = metrics.get("sefa_directions_n", "?"), metrics.get("sefa_directions_step", "?")
        if isinstance(r.get("summary"), str):  # a measurement that words itself (dcgan-emoji's)
            found = r["summary"]
        else:
            found = (f"slant changes by {r.get('slant_change')}, stroke thickness by {r.get('thickness_change_px')} "
                     f"px, width by {r.get('width_change_px')} px; the classifier's class changes for "
                     f"{float(r.get('class_change_rate', 0)):.0%} of the images.")
        lines.append(f"Measured over {n} random images, from -{step} to +{step}: {found}")
    lines.append(f"The maths: SeFa direction {index + 1}, an eigenvector of WᵀW (W = the generator's first layer) "
                 f"with eigenvalue {eigenvalue:.2f}, {share:.1%} of the layer's energy.")
    return "\n\n".join(lines)
