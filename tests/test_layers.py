"""The structure rules of docs/architecture.md, checked on the source of every module.

- layers: tools/ and knowledge/ import neither each other nor the assistant; the UI imports the
  assistant only; only the UI imports streamlit; only tools/yahoo.py imports yfinance;
- no import circles anywhere (every import counts, also those inside functions);
- only assistant/config.py reads the environment;
- no module over 400 lines and no function over 60 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tools", "knowledge", "assistant", "ui")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")) + [
        ROOT / "streamlit_app.py"
    ]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Full dotted names of everything ``path`` imports (``from a.b import c`` gives a.b and
    a.b.c)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def imports_of(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


FORBIDDEN = {
    "tools": {
        "knowledge",
        "assistant",
        "ui",
        "langchain",
        "langchain_core",
        "langgraph",
        "openai",
        "streamlit",
        "chromadb",
        "langchain_openai",
    },
    "knowledge": {
        "tools",
        "assistant",
        "ui",
        "langchain",
        "langchain_core",
        "langgraph",
        "openai",
        "streamlit",
        "langchain_openai",
    },
    "assistant": {"ui", "streamlit", "chromadb", "yfinance"},
    "ui": {
        "tools",
        "knowledge",
        "langchain",
        "langchain_core",
        "langgraph",
        "openai",
        "chromadb",
        "yfinance",
        "langchain_openai",
    },
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package):
    bad = {
        str(p.relative_to(ROOT)): sorted(imports_of(p) & FORBIDDEN[package])
        for p in modules(package)
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_entry_script_imports_the_ui_and_streamlit_only():
    assert imports_of(ROOT / "streamlit_app.py") - {"pathlib", "__future__"} <= {"streamlit", "ui"}


def test_only_the_seam_imports_yfinance():
    users = [str(p.relative_to(ROOT)) for p in sources() if "yfinance" in imports_of(p)]
    assert users == ["tools/yahoo.py"]


def test_only_the_ui_imports_streamlit():
    users = {
        str(p.relative_to(ROOT))
        for pkg in ("tools", "knowledge", "assistant")
        for p in (ROOT / pkg).rglob("*.py")
        if "streamlit" in imports_of(p)
    }
    assert users == set()


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (a package import counts as its __init__)."""
    paths = {module_name(p): p for p in sources()}
    return {
        name: {m for m in imported_modules(path) if m in paths and m != name}
        for name, path in paths.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_cycles():
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_only_the_config_module_reads_the_environment():
    readers = set()
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
                readers.add(str(path.relative_to(ROOT)))
    assert readers == {"assistant/config.py"}


def test_modules_and_functions_stay_small():
    long_modules, long_functions = [], []
    for path in sources():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            long_modules.append(str(path.relative_to(ROOT)))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{path.relative_to(ROOT)}:{node.name} ({length} lines)")
    assert long_modules == [] and long_functions == []


def test_ruff_finds_nothing_and_the_layout_is_formatted():
    """Line length (100) and the lint rules hold everywhere; ``ruff format`` has nothing to do."""
    import subprocess
    import sys

    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed next to this Python")
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        done = subprocess.run([str(ruff), *args], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
