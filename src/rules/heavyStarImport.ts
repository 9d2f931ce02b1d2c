import { formatCost } from "./rule.js";
import type { Rule } from "./rule.js";

const docs = `## What it does
Flags \`from heavy import *\` at module level.

## Why is this bad?
A star import binds every public name of the module when your module is imported; which names
are used cannot be known statically, so the import can never be deferred. It also hides where
names come from.

## Example
\`\`\`python
from numpy import *

def norm(v):
    return sqrt(dot(v, v))
\`\`\`

## Use instead
\`\`\`python
import numpy as np

def norm(v):
    return np.sqrt(np.dot(v, v))
\`\`\`
which LZ001 can then defer.

## Fix safety
There is no automatic fix.

## Options
- \`threshold\`, \`profile\`, \`keep-eager\` as for LZ001.
`;

export const heavyStarImport: Rule = {
  meta: {
    code: "LZ005",
    name: "heavy-star-import",
    summary: "A heavy module is star-imported at module level, which can never be lazy",
    fixable: false,
    docs,
  },
  check(context) {
    for (const { star, module, cost } of context.heavyStarImports) {
      context.report({
        start: star.statement.startIndex,
        end: star.statement.endIndex,
        message: `\`from ${module} import *\` (${formatCost(cost)}) loads \`${module}\` at startup and can never be deferred`,
        module,
        cost,
      });
    }
  },
};
