import { neededAtImportTime } from "../analysis/heavyImports.js";
import type { HeavyImport } from "../analysis/heavyImports.js";
import { formatCost, importSpan } from "./rule.js";
import type { Rule } from "./rule.js";

const docs = `## What it does
Flags a module-level import of a heavy module whose imported name is used in this file only
inside functions, methods or lambdas, or in the value of a \`type\` alias or a type parameter's
bound, which Python evaluates only when first asked for (and perhaps in annotations that are
never evaluated). The message says "only used inside functions" when every such use is in a
\`def\`, and "in code that runs after the import" when one is in a lambda or \`type\` alias
outside any \`def\`.

## Why is this bad?
Every import at module level runs when your module is imported, whether or not the code that
needs it ever runs. \`import pandas\` at the top of a command-line tool costs hundreds of
milliseconds even for \`--help\`. When every use of the name is inside a function, the import
can wait until that function is first called.

An import whose name is never used in its file is not flagged: it may exist for its side
effects or as a re-export. Nor is one used in a module-level function that the module itself
calls while it is imported (\`TABLE = make_table()\`, a decorator, also on a method), directly
or through other functions: deferring it would save nothing, and LZ002 reports it instead.

## Example
\`\`\`python
import pandas as pd

def report(path):
    return pd.read_csv(path).describe()
\`\`\`

## Use instead
\`\`\`python
def report(path):
    import pandas as pd
    return pd.read_csv(path).describe()
\`\`\`
or a lazy proxy (\`pylazy fix --strategy lazyloader\`), or \`lazy import pandas as pd\` on
Python 3.15+ (\`--strategy pep810\`).

## Fix safety
The fix is safe when nothing else can observe that the name is no longer bound at import time.
pylazy refuses, and says why, when the name is rebound, deleted or assigned through \`global\`;
listed in \`__all__\`; imported in a package \`__init__.py\`; or imported from this module by
another module of the project. When the module reads its own globals dynamically
(\`globals()\`, \`vars()\`, \`eval\`, \`exec\`, \`sys.modules[__name__]\`) the fix is unsafe.
A module in \`keep-eager\` is never reported. The \`function\` strategy cannot place an import
for a use outside any \`def\` (a lambda, a \`type\` alias's value or a type parameter's bound, at
module level or in a class body) and leaves such an import as it is, saying where the use is.

## Options
- \`threshold\` (ms): a module is heavy when its cumulative import time is at least this.
- \`profile\`: measured costs (\`python -X importtime\` log or \`pylazy profile\` JSON).
- \`keep-eager\`: modules that must never be deferred.
- \`strategy\`: the rewrite \`pylazy fix\` uses.
`;

export const heavyModuleLevelImport: Rule = {
  meta: {
    code: "LZ001",
    name: "heavy-module-level-import",
    summary: "A heavy module is imported at module level but only used inside functions",
    fixable: true,
    docs,
  },
  check(context) {
    // In a package's __init__.py such an import is a re-export: LZ006.
    if (context.file.isPackage) return;
    for (const heavy of context.heavyImports) {
      if (!isOnlyUsedLater(heavy)) continue;
      context.report({
        ...importSpan(heavy),
        message: `\`${heavy.module}\` (${formatCost(heavy.cost)}) is imported at module level but only used ${usedWhere(heavy)}`,
        module: heavy.module,
        cost: heavy.cost,
        heavy,
        fix: "defer",
      });
    }
  },
};

/** "inside functions", unless a use that runs later has no `def` around it (a lambda, a `type` alias). */
function usedWhere(heavy: HeavyImport): string {
  return heavy.uses.deferred.every((ref) => ref.scope.enclosingDef) ? "inside functions" : "in code that runs after the import (functions, lambdas, `type` aliases)";
}

/** Used at least once at runtime, and never while the module is being imported (LZ002 reports those). */
function isOnlyUsedLater(heavy: HeavyImport): boolean {
  return !neededAtImportTime(heavy.uses) && heavy.uses.deferred.length > 0;
}
