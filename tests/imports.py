"""The import graph of a package, read from its source with ``ast`` (nothing is imported).

Used by ``test_architecture`` to keep the app free of import cycles and its domains
depending in one direction.
"""

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    in_function: bool


def module_name(root, path):
    """``root``'s package name joined with ``path``'s place under it (``pkg.sub.mod``)."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(root):
    """Every module of the package at ``root`` (migrations left out), by name."""
    return {
        module_name(root, path): path
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.relative_to(root).parts
    }


def _resolve(source, is_package, node):
    if not node.level:
        return node.module or ""
    base = source.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def edges(root):
    """Every import of one of the package's own modules, as :class:`Edge` rows.

    ``from pkg import mod`` counts as an import of ``pkg.mod`` when that is a module.
    ``in_function`` is true for an import inside a function or method body.
    """
    modules = package_modules(root)
    found = []
    for source, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        is_package = path.name == "__init__.py"
        in_function = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                in_function.update(id(inner) for inner in ast.walk(node) if inner is not node)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(source, is_package, node)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                if target in modules and target != source:
                    found.append(Edge(source, target, node.lineno, id(node) in in_function))
    return found


def cycles(root):
    """The import cycles of the package: each a sorted list of the modules in one strongly
    connected component of the graph (Tarjan's algorithm). Empty when there is none."""
    graph = {name: set() for name in package_modules(root)}
    for edge in edges(root):
        graph[edge.source].add(edge.target)
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found
