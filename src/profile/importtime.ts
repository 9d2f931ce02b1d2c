import { ProfileError } from "./errors.js";
import type { ImportTimeNode, ModuleTiming } from "./types.js";

/**
 * One `import time: <self> | <cumulative> | <two spaces a level><module>` line. Matched anywhere in
 * the line because CI logs prefix timestamps and unflushed program output can run into it;
 * `cached` is what `-X importtime=2` (3.14+) prints for a module that was already loaded.
 */
const ENTRY = /import time:\s*(\d+|cached)\s*\|\s*(\d+|cached)\s*\|( *)(\S+)\s*$/;

interface Entry {
  depth: number;
  node: ImportTimeNode;
}

/**
 * Parses the stderr of `python -X importtime` into its import trees, top-level imports in order.
 * Lines that are not import-time entries (the header, program output, tracebacks) are skipped.
 */
export function parseImportTimeLog(text: string, file?: string): ImportTimeNode[] {
  const pending: Entry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const entry = parseEntry(line);
    if (entry) placeEntry(pending, entry);
  }
  if (pending.length === 0) {
    throw new ProfileError('no "import time:" lines found; expected the stderr of python -X importtime', file);
  }
  // Whatever is left is the top level, plus the children of an import the log was cut off in.
  return pending.map((entry) => entry.node);
}

function parseEntry(line: string): Entry | undefined {
  const match = ENTRY.exec(line);
  // A cached module was paid for where it was first imported; its second line costs nothing.
  if (!match || match[1] === "cached" || match[2] === "cached") return undefined;
  return {
    depth: Math.max(0, Math.floor((match[3].length - 1) / 2)),
    node: { module: match[4], selfUs: Number(match[1]), cumulativeUs: Number(match[2]), children: [] },
  };
}

/** Python prints an import after everything it imported, so an entry adopts the deeper ones just before it. */
function placeEntry(pending: Entry[], entry: Entry): void {
  let firstChild = pending.length;
  while (firstChild > 0 && pending[firstChild - 1].depth > entry.depth) firstChild--;
  entry.node.children = pending.splice(firstChild).map((child) => child.node);
  pending.push(entry);
}

/**
 * One timing per module: the median over every line that measured it. A process imports a module
 * once, so several lines for one module come from several runs concatenated into one log.
 */
export function summarizeImportTime(roots: ImportTimeNode[]): Map<string, ModuleTiming> {
  const measured = new Map<string, ImportTimeNode[]>();
  collectByModule(roots, measured);
  const summary = new Map<string, ModuleTiming>();
  for (const [module, nodes] of measured) {
    summary.set(module, {
      selfUs: median(nodes.map((node) => node.selfUs)),
      cumulativeUs: median(nodes.map((node) => node.cumulativeUs)),
      samples: nodes.length,
    });
  }
  return summary;
}

function collectByModule(nodes: ImportTimeNode[], measured: Map<string, ImportTimeNode[]>): void {
  for (const node of nodes) {
    const seen = measured.get(node.module);
    if (seen) seen.push(node);
    else measured.set(node.module, [node]);
    collectByModule(node.children, measured);
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * One run's tree with every module's median timing over all runs: the shape of a real run, the
 * numbers of all of them. Runs of one program import in nearly the same order.
 */
export function medianTree(runs: readonly ImportTimeNode[][]): ImportTimeNode[] {
  const summary = summarizeImportTime(runs.flat());
  const withMedians = (node: ImportTimeNode): ImportTimeNode => {
    const timing = summary.get(node.module)!;
    return { module: node.module, selfUs: timing.selfUs, cumulativeUs: timing.cumulativeUs, children: node.children.map(withMedians) };
  };
  return (runs[0] ?? []).map(withMedians);
}

/** The top-level imports after `site`: what the program imported, not the interpreter's own start. */
export function programImports(roots: readonly ImportTimeNode[]): ImportTimeNode[] {
  const site = roots.map((root) => root.module).lastIndexOf("site");
  return roots.slice(site + 1);
}
