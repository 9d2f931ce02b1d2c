import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./cli.js";

/** The machine's Python standard library folder (site-packages left out of every listing below). */
export function stdlibDir(): string {
  return execFileSync("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: "utf8" }).trim();
}

/**
 * A fixed sample of real code: our lint fixtures and every `every`th file of the machine's stdlib
 * (sorted by path, so the sample is the same on every run of the same Python).
 */
export function sampleFiles(every: number): string[] {
  const fixtures = readdirSync(path.join(repoRoot, "test/fixtures/lint"), { recursive: true })
    .map(String)
    .filter((name) => name.endsWith(".py"))
    .map((name) => path.join(repoRoot, "test/fixtures/lint", name));
  const stdlib = stdlibDir();
  const stdlibFiles = readdirSync(stdlib, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith(".py") && !name.includes("site-packages"))
    .sort()
    .filter((_, index) => index % every === 0)
    .map((name) => path.join(stdlib, name));
  return [...fixtures, ...stdlibFiles];
}
