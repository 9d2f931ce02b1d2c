import { usesOf } from "../analysis/heavyImports.js";
import { formatCost, importTimeUse } from "./rule.js";
import type { Rule } from "./rule.js";

const docs = `## What it does
Flags a name that is meant to be imported lazily — a PEP 810 \`lazy import\`, an import made lazy
by a literal \`__lazy_modules__\`, or a lazy proxy assignment such as
\`np = _pylazy_import("numpy")\` — but is used while the module is being imported. A lazy proxy
is a module-level \`name = factory("module")\` whose factory is a name or an attribute that says
"lazy" (\`lazy_import\`, \`util.LazyModule\`).

## Why is this bad?
Using the name at import time (in the module body, a class body, a decorator, a default
argument…) loads the module right there, during startup. The lazy construct then only adds
indirection: the program pays the full import cost anyway, and readers are misled.

## Example
\`\`\`python
lazy import numpy as np

ORIGIN = np.zeros(3)   # loads numpy at import time
\`\`\`

## Use instead
Move the use into a function, or import eagerly and say so:
\`\`\`python
lazy import numpy as np

def origin():
    return np.zeros(3)
\`\`\`

## Fix safety
There is no automatic fix.

## Options
None.
`;

export const lazyImportResolvedEagerly: Rule = {
  meta: {
    code: "LZ004",
    name: "lazy-import-resolved-eagerly",
    summary: "A lazy import or lazy proxy is used at import time, so it is not lazy at all",
    fixable: false,
    docs,
  },
  check(context) {
    for (const construct of context.lazyConstructs()) {
      const use = importTimeUse(context.model, usesOf(context.model, construct.name), context.lineOf);
      if (use === undefined) continue;
      const cost = context.costOf(construct.module);
      const shownCost = cost ? ` (${formatCost(cost)})` : "";
      // A PEP 810 statement's node starts after the soft keyword; point at `lazy` itself.
      const start = construct.how === "lazy import" ? context.model.source.lastIndexOf("lazy", construct.node.startIndex) : construct.node.startIndex;
      context.report({
        start,
        end: construct.node.endIndex,
        message: `\`${construct.module}\`${shownCost} is imported lazily (${construct.how}) but \`${construct.name}\` is used in ${use.where}, which loads it at startup`,
        module: construct.module,
        // LZ004 reports whatever the cost; an unknown one counts as zero.
        cost: cost ?? { module: construct.module, cumulativeUs: 0, selfUs: 0, source: "estimate" },
        importTimeUse: use.offset,
      });
    }
  },
};
