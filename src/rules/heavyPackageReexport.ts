import { neededAtImportTime } from "../analysis/heavyImports.js";
import { formatCost, importSpan } from "./rule.js";
import type { Rule } from "./rule.js";

const docs = `## What it does
Flags a package \`__init__.py\` that eagerly imports a heavy submodule or name only to re-export
it: nothing in the \`__init__.py\` needs it while the package is being imported.

## Why is this bad?
\`import mypkg\` then costs as much as everything the package re-exports, even for users who
need none of it. Every \`import mypkg.small\` pays for it too, since the package's
\`__init__.py\` runs first.

## Example
\`\`\`python
# mypkg/__init__.py
from mypkg.frames import DataFrame   # pulls in pandas
__all__ = ["DataFrame"]
\`\`\`

## Use instead
A module-level \`__getattr__\` (PEP 562) that imports on first access, with the imports kept
under \`if TYPE_CHECKING:\` for type checkers (\`pylazy fix --strategy getattr\`):
\`\`\`python
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypkg.frames import DataFrame

__all__ = ["DataFrame"]

def __getattr__(name):
    if name == "DataFrame":
        from mypkg.frames import DataFrame
        return DataFrame
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
\`\`\`

## Fix safety
\`pylazy fix --strategy getattr\` (or \`auto\` before Python 3.15) removes the import, keeps it under
\`if TYPE_CHECKING:\` for type checkers, and adds after the top imports a \`__getattr__\` that
imports the name on first access and caches it in the module's globals, and a \`__dir__\` that
lists it. Every name stays reachable as an attribute of the package (so \`from mypkg import name\`,
\`mock.patch\` and \`from mypkg import *\` still work), \`__all__\` is kept as it is, a submodule
the import loaded (\`mypkg.frames\`) stays reachable, and functions of the \`__init__.py\` that use
the name import it themselves. The fix is refused when the package already defines
\`__getattr__\` or \`__dir__\`, when the name is bound again in the \`__init__.py\`, and when the
package has no \`__all__\` (\`from mypkg import *\` would lose the name). A module that imports the
name back from the package while the package is still being imported (a circular import) finds
it only once \`__getattr__\` is defined. With \`--target-version py315\` or later, \`auto\` writes
\`lazy from … import …\` instead. The default strategy, \`function\`, does not fix this rule.

## Options
- \`threshold\`, \`profile\`, \`keep-eager\` as for LZ001.
`;

export const heavyPackageReexport: Rule = {
  meta: {
    code: "LZ006",
    name: "heavy-package-reexport",
    summary: "A package __init__.py eagerly imports a heavy module only to re-export it",
    fixable: true,
    docs,
  },
  check(context) {
    if (!context.file.isPackage) return;
    for (const heavy of context.heavyImports) {
      if (neededAtImportTime(heavy.uses)) continue;
      context.report({
        ...importSpan(heavy),
        message: `\`${heavy.module}\` (${formatCost(heavy.cost)}) is imported by the package's \`__init__.py\` only to re-export \`${heavy.imported.boundName}\``,
        module: heavy.module,
        cost: heavy.cost,
        heavy,
        fix: "getattr",
      });
    }
  },
};
