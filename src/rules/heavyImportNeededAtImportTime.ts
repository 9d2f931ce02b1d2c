import { formatCost, importSpan, importTimeUse } from "./rule.js";
import type { Rule } from "./rule.js";

const docs = `## What it does
Flags a module-level import of a heavy module whose imported name is used while the module is
being imported: in the module body, a class body, a decorator, a default argument, a base class,
or an annotation that is evaluated at runtime. The message names the first such use.

A use inside a function defined at module level counts too when the module's own code calls
that function while it is imported (\`EMPTY = make()\`, or \`@make\` as a decorator, also on
a method in a class body), and so does one in the \`__init__\`, \`__new__\` or
\`__post_init__\` of a class defined at module level that the module instantiates then
(\`APP = App()\`), or in a function (or constructor) that such a function calls by name, as
deep as the calls go. When no use runs at import time where it is written, the message names
the function, the line that calls it at import time and, for a deeper call, the function called
there ("\`helper()\` on line 5, reached from \`make()\`, called at import time on line 12").
Calls through an attribute (\`self.make()\`, \`registry.make()\`) or through a subclass are
not followed; a call under \`if __name__ == "__main__":\` does not count, as that block runs
when the file is run as a program, not when it is imported, nor does one under
\`if TYPE_CHECKING:\`, in a lambda's body or in a nested function.

## Why is this bad?
The heavy module is needed at startup, so deferring the import would only move the cost, or
break the program. This finding tells you which line ties the import to startup, so that you can
decide whether that line can move (into a function, behind a cached property, into a string
annotation) and make the import deferrable.

## Example
\`\`\`python
import numpy as np

class Grid:
    EMPTY = np.zeros(0)      # runs at import time

def make_table():
    return np.ones(3)

TABLE = make_table()         # runs make_table, and so np.ones, at import time
\`\`\`

## Use instead
\`\`\`python
import functools

class Grid:
    @functools.cached_property
    def empty(self):
        import numpy as np
        return np.zeros(0)
\`\`\`

## Fix safety
There is no automatic fix: moving the import would change when the code runs.

## Options
- \`threshold\`, \`profile\`, \`keep-eager\` as for LZ001.
- \`target-version\`: on py314 and later annotations are evaluated lazily (PEP 649), so an
  annotation alone no longer needs the import at import time.
`;

export const heavyImportNeededAtImportTime: Rule = {
  meta: {
    code: "LZ002",
    name: "heavy-import-needed-at-import-time",
    summary: "A heavy module-level import is used while the module is being imported",
    fixable: false,
    docs,
  },
  check(context) {
    for (const heavy of context.heavyImports) {
      const use = importTimeUse(context.model, heavy.uses, context.lineOf);
      if (use === undefined) continue;
      context.report({
        ...importSpan(heavy),
        message: `\`${heavy.module}\` (${formatCost(heavy.cost)}) is needed at import time: \`${heavy.imported.boundName}\` is used in ${use.where}`,
        module: heavy.module,
        cost: heavy.cost,
        heavy,
        importTimeUse: use.offset,
      });
    }
  },
};
