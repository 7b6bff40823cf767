"""The package's modules import each other without a cycle (function-level imports included)."""

import ast
from pathlib import Path

import rai_toolkit

PACKAGE = Path(rai_toolkit.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere in its source (any nesting).

    Lazy exports (``_EXPORTS = {name: "module"}`` in a package's ``__init__``)
    count as imports of those modules.
    """
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path.name == "__init__.py", node)
                # `from pkg import mod` imports the submodule pkg.mod when there is one
                targets = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
                targets = targets or [base]
            assigned = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            if any(isinstance(t, ast.Name) and t.id == "_EXPORTS" for t in assigned) and (
                isinstance(node.value, ast.Dict)
            ):
                # a lazy export is an import deferred to first attribute access
                targets = [v.value for v in node.value.values if isinstance(v, ast.Constant)]
            for target in targets:
                # the nearest module of the package that the dotted name lies in
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of modules larger than one (Tarjan), as a cycle path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return components


def _path_through(component: list[str], graph: dict[str, set[str]]) -> str:
    """A readable cycle inside one component: a -> b -> ... -> a."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    current = start
    while True:
        nxt = sorted(graph[current] & members)
        back = start in nxt
        fresh = [m for m in nxt if m not in seen]
        if back and (not fresh or len(path) > 1):
            return " -> ".join([*path, start])
        if not fresh:
            return " <-> ".join(component)
        current = fresh[0]
        path.append(current)
        seen.add(current)


def test_the_graph_sees_package_modules_and_function_level_imports():
    graph = import_graph()
    assert "rai_toolkit.report._assessment" in graph
    # imported inside a function, at the top and through a package: all three are edges
    assert "rai_toolkit.report._bundle" in graph["rai_toolkit.report._assessment"]
    assert "rai_toolkit._validation" in graph["rai_toolkit.report._assess"]
    assert "rai_toolkit.fairness" in graph["rai_toolkit.report._assess"]


def test_cycle_finder_reports_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    cycles = find_cycles(graph)
    assert cycles == [["a", "b", "c"]]
    assert _path_through(cycles[0], graph) == "a -> b -> c -> a"


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    cycles = find_cycles(graph)
    described = "\n".join(_path_through(c, graph) for c in cycles)
    assert not cycles, f"import cycles between modules:\n{described}"
