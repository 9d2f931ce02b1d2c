import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot, runCli } from "./cli.js";
import type { CliResult } from "./cli.js";

/** The strategy cases (see test/fixtures/strategies/README.md) and the heavy stand-ins they share with the runtime cases. */
export const STRATEGY_FIXTURES = path.join(repoRoot, "test/fixtures/strategies");
const HEAVY = path.join(repoRoot, "test/fixtures/runtime/_heavy");

/** One way to run `fix`: a strategy, with the target version it needs. */
export interface Variant {
  name: string;
  args: string[];
}

export const VARIANTS: readonly Variant[] = [
  { name: "pep810", args: ["--strategy", "pep810", "--target-version", "py315"] },
  { name: "lazy-modules", args: ["--strategy", "lazy-modules"] },
  { name: "type-checking", args: ["--strategy", "type-checking"] },
  { name: "getattr", args: ["--strategy", "getattr"] },
  { name: "auto", args: ["--strategy", "auto"] },
  { name: "auto-py315", args: ["--strategy", "auto", "--target-version", "py315"] },
];

export function variant(name: string): Variant {
  return VARIANTS.find((v) => v.name === name)!;
}

// Until src/engine/python/verify_rewrites.py accepts PEP 810 on older Pythons and these strategies'
// additions (TYPE_CHECKING blocks, __getattr__, __lazy_modules__), their rewrites are written unverified.
export const UNVERIFIED: string[] = [];

export const strategyCases: string[] = fs
  .readdirSync(STRATEGY_FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** The file `fix` rewrites in a case, relative to the case: its module, or its package's `__init__.py`. */
export function caseInput(name: string): string {
  return fs.existsSync(path.join(STRATEGY_FIXTURES, name, "case_module.py")) ? "case_module.py" : path.join("casepkg", "__init__.py");
}

/** A throwaway copy of the cases with `_heavy/` beside them, as their check.py expects. */
export function strategyFixturesCopy(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-strategies-"));
  fs.cpSync(STRATEGY_FIXTURES, copy, { recursive: true });
  fs.cpSync(HEAVY, path.join(copy, "_heavy"), { recursive: true });
  return copy;
}

/** `pylazy fix` of every case's input in `root`, with the variant's options. */
export function fixCases(root: string, v: Variant, extra: string[] = []): CliResult {
  return runCli(["fix", ...strategyCases.map((name) => path.join(name, caseInput(name))), ...v.args, "--profile", "costs.log", ...UNVERIFIED, ...extra], root);
}
