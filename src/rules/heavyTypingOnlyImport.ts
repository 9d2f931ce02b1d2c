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
Libraries that evaluate annotations at runtime (\`typing.get_type_hints\`, pydantic,
some dependency injectors) need the name at runtime; such code should keep the import.

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
