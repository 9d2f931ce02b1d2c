import type * as V8 from "node:v8";
import vm from "node:vm";
import { setImmediate as nextTurn } from "node:timers/promises";
import { nodeBuiltin } from "./builtin.js";

let collect: ((options: { type: "major"; execution: "async" }) => Promise<void>) | undefined;

/**
 * Lets native memory go. node-tree-sitter frees a tree's native memory from a finalizer, which
 * runs only after V8 collects the small JS object (V8 does not see the native size) and only on a
 * later turn of the event loop: a synchronous loop over thousands of files would keep every tree.
 *
 * It takes a full collection run as a task of its own, `gc({ type: "major", execution: "async" })`.
 * Measured on node 20 (a loop of DiagnosticsLinter over 300 stdlib files at `--threshold 0`, trees
 * counted with a FinalizationRegistry): a minor collection, or a major one run at once from the
 * caller's stack, freed only the trees still in the young generation, and most had been promoted
 * by then (3.7 M characters of source stayed alive); the collection run as its own task freed all
 * but the last one's.
 */
export async function releaseNativeMemory(): Promise<void> {
  if (!collect) {
    nodeBuiltin<typeof V8>("node:v8").setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as typeof collect;
  }
  await collect!({ type: "major", execution: "async" });
  await nextTurn();
}

/**
 * Characters parsed (parser.ts, charactersParsed) between two releases: a tree takes about 38
 * bytes of native memory per character it was made from while it lives, so some 75 MB per thread
 * at most. More often costs more time: on the stdlib at `--threshold 0`, every 500,000
 * characters kept peak memory at 276 MB but added a second of CPU.
 */
export const SOURCE_PER_RELEASE = 2_000_000;
