import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The dotted name Python gives a file: its stem, prefixed by every enclosing folder that is a
 * regular package (holds an `__init__.py`). `pkg/sub/mod.py` → `pkg.sub.mod`; `pkg/__init__.py` → `pkg`.
 */
export function moduleNameForFile(file: string, isPackageDir: (dir: string) => boolean = hasInit): { module: string; isPackage: boolean } {
  const base = path.basename(file).replace(/\.pyi?$/, "");
  const isPackage = base === "__init__";
  const parts: string[] = isPackage ? [] : [base];
  let dir = path.dirname(path.resolve(file));
  while (isPackageDir(dir)) {
    parts.unshift(path.basename(dir));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { module: parts.join("."), isPackage };
}

const initCache = new Map<string, boolean>();

function hasInit(dir: string): boolean {
  let known = initCache.get(dir);
  if (known === undefined) {
    known = existsSync(path.join(dir, "__init__.py"));
    initCache.set(dir, known);
  }
  return known;
}

/**
 * The absolute module a `from` import names: `from ..b import x` in `pkg.sub.mod` is `pkg.b`.
 * Returns undefined when the dots climb above the top-level package.
 */
export function resolveRelativeModule(module: string, level: number, current: { module: string; isPackage: boolean }): string | undefined {
  if (level === 0) return module;
  const packageParts = current.module === "" ? [] : current.module.split(".");
  if (!current.isPackage) packageParts.pop();
  if (level - 1 > packageParts.length) return undefined;
  const base = packageParts.slice(0, packageParts.length - (level - 1));
  if (base.length === 0 && module === "") return undefined;
  return [...base, ...(module ? [module] : [])].join(".");
}
