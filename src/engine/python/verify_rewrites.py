"""Checks pylazy's rewrites with the user's own Python, one process for the whole batch.

Reads a JSON list of {"path", "original", "fixed"} on stdin and prints one JSON list of
{"path", "ok", "reason"}. A rewrite is accepted when the fixed text compiles and, once the
moved imports and pylazy's additions (helpers, `TYPE_CHECKING` blocks, `__getattr__`/`__dir__`,
`__lazy_modules__`, quotes around annotations) are set aside, its syntax tree equals the original's.
A Python older than 3.15 compiles `lazy import` (PEP 810) as a plain import, once it has checked
that each `lazy` stands where PEP 810 allows it.
"""
import ast
import json
import re
import sys

HELPERS = {"_PylazyLoadingModule", "_pylazy_import", "_PylazyModule", "__getattr__", "__dir__"}
TYPE_CHECKING_IMPORT = ("from", "typing", "TYPE_CHECKING", None, 0)
LAZY_KEYWORD = re.compile(r"^([ \t\f]*)lazy[ \t\f]+(?=(?:import|from)\b)", re.M)


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


def is_type_checking_block(statement):
    """`if TYPE_CHECKING: pass` once the moved imports are dropped: a block that held only them."""
    test = getattr(statement, "test", None)
    named = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    return isinstance(statement, ast.If) and named and not statement.orelse and all(isinstance(s, ast.Pass) for s in statement.body)


def is_lazy_modules(statement):
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    return isinstance(statement, (ast.Assign, ast.AnnAssign)) and any(isinstance(t, ast.Name) and t.id == "__lazy_modules__" for t in targets)


class UnquoteAnnotations(ast.NodeTransformer):
    """`x: "np.ndarray"` reads as `x: np.ndarray`: the type-checking fix may quote an annotation."""

    def unquote(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                return ast.parse(node.value.strip(), mode="eval").body
            except SyntaxError:
                return node
        return node

    def visit_arg(self, node):
        node.annotation = self.unquote(node.annotation)
        return self.generic_visit(node)

    def visit_FunctionDef(self, node):
        node.returns = self.unquote(node.returns)
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_AnnAssign(self, node):
        node.annotation = self.unquote(node.annotation)
        return self.generic_visit(node)


def normalized(tree, moved, drop_helpers):
    body = split_imports(tree.body)
    body = [s for s in body if not (import_keys(s) and import_keys(s) <= moved | {TYPE_CHECKING_IMPORT})]
    body = [s for s in body if not is_lazy_modules(s)]
    if drop_helpers:
        body = [s for s in body if not is_helper(s)]
    module = ast.Module(body=body, type_ignores=[])
    module = DropMovedImports(moved).visit(module)
    module.body = [s for s in module.body if not is_type_checking_block(s)]
    module = UnquoteAnnotations().visit(module)
    return ast.dump(module, include_attributes=False)


def without_lazy_keyword(source):
    """The source with PEP 810's `lazy` taken out, when this Python predates it, and the lines it stood on."""
    if sys.version_info >= (3, 15):
        return source, set()
    lines = {source.count("\n", 0, match.start()) + 1 for match in LAZY_KEYWORD.finditer(source)}
    return LAZY_KEYWORD.sub(r"\1", source), lines


def misplaced_lazy(tree, lines):
    """The first line whose `lazy` PEP 810 does not allow: not an import at module level, in `try`, `*`, `__future__`."""
    allowed = set()
    pending = list(tree.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.Import) or (isinstance(statement, ast.ImportFrom) and statement.module != "__future__" and all(alias.name != "*" for alias in statement.names)):
            allowed.add(statement.lineno)
        elif isinstance(statement, (ast.If, ast.With)):
            pending.extend(statement.body + getattr(statement, "orelse", []))
    # A "lazy import" line that starts no statement is inside a string: not PEP 810's to judge.
    starts = {node.lineno for node in ast.walk(tree) if isinstance(node, ast.stmt)}
    return min((lines & starts) - allowed, default=None)


def check(original, fixed):
    original, _ = without_lazy_keyword(original)
    fixed, lazy_lines = without_lazy_keyword(fixed)
    try:
        compile(fixed, "<fixed>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return "does not compile: %s (line %s)" % (error.msg, error.lineno)
    before = ast.parse(original)
    after = ast.parse(fixed)
    misplaced = misplaced_lazy(after, lazy_lines)
    if misplaced is not None:
        return "does not compile: `lazy` is not allowed there by PEP 810 (line %s)" % misplaced
    before_imports = set().union(*[import_keys(s) for s in split_imports(before.body)] or [set()])
    after_imports = set().union(*[import_keys(s) for s in split_imports(after.body)] or [set()])
    # A lazy import counts as moved: splitting it out of a statement may reorder the names.
    lazy_imports = set().union(*[import_keys(s) for s in after.body if getattr(s, "lineno", None) in lazy_lines] or [set()])
    moved = (before_imports - after_imports) | lazy_imports
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
