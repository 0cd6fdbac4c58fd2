"""Paste the model cards (models/cards/<name>.md) into README.md's "Model cards" section, headings one level down.

    python docs/sync_cards.py           # rewrite README.md's card blocks from the card files
    python docs/sync_cards.py --check   # exit 1 if README.md and the cards differ (tests/test_foundation.py runs it)

Each card sits in README.md inside `<details><summary><b>NAME</b></summary> ... </details>`.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"(<details><summary><b>(?P<name>[\w.-]+)</b></summary>\n\n)(?P<body>.*?)(\n</details>)", re.S)


def demoted(card: str) -> str:
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", card.strip(), flags=re.M) + "\n"


def synced(readme: str) -> str:
    def replace(match: re.Match) -> str:
        card = ROOT / "models" / "cards" / f"{match.group('name')}.md"
        if not card.is_file():
            return match.group(0)
        return match.group(1) + demoted(card.read_text()) + match.group(4)

    return BLOCK.sub(replace, readme)


def main() -> int:
    readme = (ROOT / "README.md").read_text()
    new = synced(readme)
    if "--check" in sys.argv[1:]:
        if new != readme:
            print("README.md's model cards differ from models/cards/*.md: run python docs/sync_cards.py")
            return 1
        return 0
    (ROOT / "README.md").write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
