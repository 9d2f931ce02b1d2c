import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * One of node's own modules, loaded when first asked for rather than when pylazy starts. Node
 * compiles each of its modules outside its startup snapshot on first load: `node:worker_threads`,
 * `node:crypto` and `node:v8` took 4 to 7 ms each to load on the slower benchmark machine, which a
 * lint of one file (the pre-commit case) never needs when it runs on one thread, without the cache
 * and without a release of native memory.
 */
export function nodeBuiltin<T>(name: `node:${string}`): T {
  return require(name) as T;
}
