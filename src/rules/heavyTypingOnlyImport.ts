import { formatCost, importSpan } from "./rule.js";
import type { Rule } from "./rule.js";

const docs = `## What it does
Flags a module-level import of a heavy module whose imported name is used only in annotations
that are never evaluated at runtime: string annotations, annotations under
\`from __future__ import annotations\`, annotations of local variables, or (with
\`target-version = "py314"\` or later) any annotation.

## Why is this bad?
The module is loaded at startup only so that type checkers can see the name. Type checkers
read imports under \`if TYPE_CHECKING:\` just as well, and the program never pays for them.

## Example
\`\`\`python
from __future__ import annotations
import pandas as pd

def total(frame: pd.DataFrame) -> float:
    return frame["x"].sum()
\`\`\`

## Use instead
\`\`\`python
from __future__ import annotations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
\`\`\`

## Fix safety
\`pylazy fix --strategy type-checking\` (or \`auto\` before Python 3.15) moves the import into the
module's first \`if TYPE_CHECKING:\` block, or into a new one after the top imports, importing
\`TYPE_CHECKING\` from \`typing\` unless \`TYPE_CHECKING\` or \`import typing\` is bound already.
The name is then unbound at runtime: the fix is refused when another module imports it from this
one, when it is listed in \`__all__\` or rebound, and when an annotation using it is evaluated at
runtime and is more than a plain dotted name (a plain one is quoted). Libraries that evaluate
annotations at runtime (\`typing.get_type_hints\`, pydantic, some dependency injectors) need the
name at runtime; such code should keep the import (\`# noqa: LZ003\`). With
\`--target-version py315\` or later, \`auto\` writes \`lazy import\` instead, which keeps the name
available to them. The default strategy, \`function\`, does not fix this rule.

## Options
- \`threshold\`, \`profile\`, \`keep-eager\` as for LZ001.
`;

export const heavyTypingOnlyImport: Rule = {
  meta: {
    code: "LZ003",
    name: "heavy-typing-only-import",
    summary: "A heavy module is imported at module level but only used in annotations",
    fixable: true,
    docs,
  },
  check(context) {
    // In a package's __init__.py such an import is a re-export: LZ006.
    if (context.file.isPackage) return;
    for (const heavy of context.heavyImports) {
      const { importTime, deferred, typing } = heavy.uses;
      if (importTime.length > 0 || deferred.length > 0 || typing.length === 0) continue;
      context.report({
        ...importSpan(heavy),
        message: `\`${heavy.module}\` (${formatCost(heavy.cost)}) is imported at module level but only used in type annotations`,
        module: heavy.module,
        cost: heavy.cost,
        heavy,
        fix: "type-checking",
      });
    }
  },
};
