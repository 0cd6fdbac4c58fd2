"""The training/ and benchmarks/ import rules, read from the source with `ast` (nothing is imported or run):

- no training script imports another script (a script = a module with a top-level main() or an
  `if __name__ == "__main__":` block); what two scripts share lives in training/common/ or in a non-script module
  of the family (e.g. training/wavenet/data.py);
- no benchmark imports anything from training/.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_script(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "main":
            return True
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return True
    return False


def imported_modules(tree: ast.Module, name: str, is_package: bool) -> set[str]:
    """Every module an import statement anywhere in the module (functions included) names: for `from a.b import c`
    both a.b and a.b.c (c may be a module)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                package = name.split(".") if is_package else name.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    return out


def violations(root: Path) -> list[str]:
    """The broken rules under root/training and root/benchmarks, one line each."""
    trees = {}
    for folder in ("training", "benchmarks"):
        for path in sorted((root / folder).rglob("*.py")):
            trees[module_name(root, path)] = (path, ast.parse(path.read_text(), str(path)))
    scripts = {name for name, (path, tree) in trees.items() if name.startswith("training.") and is_script(tree)}
    found = []
    for name, (path, tree) in trees.items():
        imports = imported_modules(tree, name, path.name == "__init__.py")
        if name.startswith("benchmarks"):
            found += [f"{name} (a benchmark) imports {m}" for m in sorted(imports)
                      if m == "training" or m.startswith("training.")]
        else:
            found += [f"{name} imports the script {m}" for m in sorted(imports & scripts) if m != name]
    return found


def test_no_training_script_imports_another_and_no_benchmark_imports_training():
    assert violations(ROOT) == []


def test_the_layout_check_catches_both_kinds_of_import(tmp_path):
    """A deliberately bad tree: a script importing another script's function, one importing a script module, a
    relative import of a script, and a benchmark importing training; a shared non-script module is allowed."""
    files = {
        "training/__init__.py": "",
        "training/fam/__init__.py": "",
        "training/fam/data.py": "def load():\n    return 1\n",
        "training/fam/train.py": "from training.fam.data import load\n\ndef main():\n    load()\n",
        "training/fam/evaluate.py": "from training.fam.train import main as train_main\n\ndef main():\n    pass\n",
        "training/fam/tune.py": ("def main():\n    from training.fam import evaluate\n    from . import train\n\n"
                                 "if __name__ == '__main__':\n    main()\n"),
        "benchmarks/bench_fam.py": "import training.fam.data\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert sorted(violations(tmp_path)) == [
        "benchmarks.bench_fam (a benchmark) imports training.fam.data",
        "training.fam.evaluate imports the script training.fam.train",
        "training.fam.tune imports the script training.fam.evaluate",
        "training.fam.tune imports the script training.fam.train",
    ]
