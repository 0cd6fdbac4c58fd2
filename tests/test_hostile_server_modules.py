"""What the server process imports: no page may pull pandas or pyarrow in (+62 MB for good on a 512 MB server).
Each page runs, in a fresh process, through AppTest with every source of the Sketch Colorizer shown, including the
Draw tab (its canvas once loaded both through the component's data serialization)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN = textwrap.dedent("""
    import json, sys
    from streamlit.testing.v1 import AppTest
    heavy = lambda: sorted(m for m in sys.modules if m.split(".")[0] in ("pandas", "pyarrow"))[:5]
    report = []
    for step in json.loads(sys.argv[1]):  # [page, [colorizer sources...]] one after another, checked after each
        page, sources = step
        at = AppTest.from_file(page, default_timeout=120).run()
        for source in sources:
            at.radio(key="p2p_source").set_value(source).run()
        report.append({"step": step, "exceptions": [e.value for e in at.exception], "heavy": heavy()})
    print(json.dumps(report))
""")
STEPS = [("sketch_colorizer.py", ["Draw"]), ("sketch_colorizer.py", ["Samples", "Draw", "Upload"]), ("home.py", []),
         ("latent_explorer.py", []), ("infogan_controls.py", []), ("wavenet_audio.py", [])]


def test_no_pandas_or_pyarrow_in_the_server():
    """Every page, one after another in one fresh process; the first step after which pandas/pyarrow appear fails."""
    steps = [[str(ROOT / "pages" / page), sources] for page, sources in STEPS]
    out = subprocess.run([sys.executable, "-c", RUN, json.dumps(steps)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    for got in json.loads(out.stdout.strip().splitlines()[-1]):
        name = Path(got["step"][0]).name, got["step"][1]
        assert not got["exceptions"], (name, got["exceptions"])
        assert not got["heavy"], f"{name} imported {got['heavy']}"


def test_draw_tab_shows_the_canvas():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "pages" / "sketch_colorizer.py"), default_timeout=120).run()
    at.radio(key="p2p_source").set_value("Draw").run()
    assert not at.exception and not at.error
    assert "Draw with the mouse, then add hints below." in [c.value for c in at.caption]
    assert "Pen width" in [s.label for s in at.slider]
