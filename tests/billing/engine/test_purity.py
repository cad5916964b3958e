"""The engine stays plain Python: no Django, no database, so it can price anywhere (a worker, a
benchmark, a finance notebook) and its tests need nothing running."""

from __future__ import annotations

import ast
from pathlib import Path

import billing.engine

ENGINE = Path(billing.engine.__file__).parent


def test_it_imports_nothing_but_the_standard_library_and_itself():
    imported: set[str] = set()
    for source in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # billing itself only as billing.engine: billing.models and friends need Django
                is_engine = node.module.startswith("billing.engine")
                imported.add("billing.engine" if is_engine else node.module.split(".")[0])
    allowed = {"__future__", "billing.engine", "collections", "dataclasses", "datetime", "decimal", "itertools"}
    assert imported <= allowed | {"typing", "zoneinfo"}, imported
