"""Checks pylazy's rewrites with the user's own Python, one process for the whole batch.

Reads a JSON list of {"path", "original", "fixed"} on stdin and prints one JSON list of
{"path", "ok", "reason"}. A rewrite is accepted when the fixed text compiles and, once the
moved imports and pylazy's helpers are set aside, its syntax tree equals the original's.
"""
import ast
import json
import sys

HELPERS = {"_PylazyLoadingModule", "_pylazy_import", "_PylazyModule"}


def alias_key(node, alias):
    if isinstance(node, ast.Import):
        return ("import", alias.name, alias.asname, 0)
    return ("from", node.module, alias.name, alias.asname, node.level)


def split_imports(statements):
    """One statement per imported name, so that `import os, numpy` and `import os` line up."""
    out = []
    for statement in statements:
        if isinstance(statement, (ast.Import, ast.ImportFrom)) and len(statement.names) > 1:
            for alias in statement.names:
                copy = type(statement)(**{**statement.__dict__, "names": [alias]})
                out.append(copy)
        else:
            out.append(statement)
    return out


def import_keys(statement):
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {alias_key(statement, alias) for alias in statement.names}
    return set()


def is_helper(statement):
    if isinstance(statement, (ast.FunctionDef, ast.ClassDef)) and statement.name in HELPERS:
        return True
    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        return isinstance(func, ast.Name) and func.id in HELPERS
    return False


class DropMovedImports(ast.NodeTransformer):
    """Removes the moved imports wherever the rewrite put them (function bodies)."""

    def __init__(self, moved):
        self.moved = moved

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                kept = [s for s in split_imports(value) if not (import_keys(s) and import_keys(s) <= self.moved)]
                setattr(node, field, kept or [ast.Pass()])
        return node


def normalized(tree, moved, drop_helpers):
    body = split_imports(tree.body)
    body = [s for s in body if not (import_keys(s) and import_keys(s) <= moved)]
    if drop_helpers:
        body = [s for s in body if not is_helper(s)]
    module = ast.Module(body=body, type_ignores=[])
    module = DropMovedImports(moved).visit(module)
    return ast.dump(module, include_attributes=False)


def check(original, fixed):
    try:
        compile(fixed, "<fixed>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return "does not compile: %s (line %s)" % (error.msg, error.lineno)
    before = ast.parse(original)
    after = ast.parse(fixed)
    before_imports = set().union(*[import_keys(s) for s in split_imports(before.body)] or [set()])
    after_imports = set().union(*[import_keys(s) for s in split_imports(after.body)] or [set()])
    moved = before_imports - after_imports
    # A file fixed before holds the helper already: set it aside on both sides.
    if normalized(before, moved, True) != normalized(after, moved, True):
        return "top-level code changed beyond the moved imports and the inserted helper"
    return None


def main():
    results = []
    for item in json.load(sys.stdin):
        try:
            reason = check(item["original"], item["fixed"])
        except (SyntaxError, ValueError, RecursionError) as error:
            reason = "could not be checked: %s" % (error,)
        results.append({"path": item["path"], "ok": reason is None, "reason": reason})
    json.dump(results, sys.stdout)


main()
