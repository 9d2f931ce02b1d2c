import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { SpawnSyncOptions } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { repoRoot } from "./helpers/cli.js";

const REPORT_PY = readFileSync(path.join(repoRoot, "test", "fixtures", "editor", "report.py"), "utf8");
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * Why the test cannot run here. It installs this repository the way pre-commit does (`npm install`,
 * `npm pack`, `npm install -g`, compiling tree-sitter twice), which takes minutes: it runs in CI,
 * where a missing pre-commit is a failure, and locally with PYLAZY_TEST_PRE_COMMIT=1.
 */
function whyNotHere(): string | false {
  const installed = !spawnSync("pre-commit", ["--version"]).error;
  if (process.env.CI) {
    if (!installed) assert.fail("needs pre-commit (`apt-get install -y pre-commit`): CI must install it");
    return false;
  }
  if (!installed) return "needs pre-commit (`apt-get install -y pre-commit`)";
  return process.env.PYLAZY_TEST_PRE_COMMIT ? false : "installs this repository with npm as pre-commit does (minutes): runs in CI, or with PYLAZY_TEST_PRE_COMMIT=1";
}

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function run(command: string, args: string[], options: SpawnSyncOptions): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: INSTALL_TIMEOUT_MS, ...options });
  if (result.error) throw result.error;
  return { status: result.status, output: `${String(result.stdout)}${String(result.stderr)}` };
}

function git(cwd: string, ...args: string[]): void {
  const { status, output } = run("git", ["-c", "user.name=pylazy tests", "-c", "user.email=tests@pylazy.invalid", "-c", "commit.gpgsign=false", ...args], { cwd });
  assert.equal(status, 0, output);
}

/**
 * This repository as pre-commit would clone it: the files git knows (tracked, or new and not
 * ignored) committed in a fresh repository, since try-repo installs a commit.
 */
function hookRepository(): string {
  const listed = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repoRoot });
  assert.equal(listed.status, 0, listed.output);
  const copy = mkdtempSync(path.join(os.tmpdir(), "pylazy-hook-repo-"));
  folders.push(copy);
  for (const file of listed.output.split("\0").filter((name) => name !== "" && existsSync(path.join(repoRoot, name)))) {
    cpSync(path.join(repoRoot, file), path.join(copy, file), { recursive: true });
  }
  git(copy, "init", "-q");
  git(copy, "add", "-A");
  git(copy, "commit", "-q", "-m", "pylazy as a hook repository");
  return copy;
}

test("pre-commit installs pylazy as a hook repository: `pylazy` fails on a finding, `pylazy-fix` rewrites the file", { skip: whyNotHere(), timeout: 3 * INSTALL_TIMEOUT_MS }, () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  assert.ok(manifest.scripts?.prepare, "package.json needs a `prepare` script that builds dist/: pre-commit installs the hook from source (`npm install`, then `npm pack`)");
  const npmrc = path.join(repoRoot, ".npmrc");
  assert.match(
    existsSync(npmrc) ? readFileSync(npmrc, "utf8") : "",
    /^foreground-scripts\s*=\s*false\s*$/m,
    ".npmrc needs `foreground-scripts=false`: pre-commit takes everything `npm pack` prints as the tarball's name, including the `prepare` script's banner",
  );

  const hooks = hookRepository();
  const project = mkdtempSync(path.join(os.tmpdir(), "pylazy-pre-commit-project-"));
  const home = mkdtempSync(path.join(os.tmpdir(), "pylazy-pre-commit-home-"));
  folders.push(project, home);
  git(project, "init", "-q");
  mkdirSync(path.join(project, "app"));
  writeFileSync(path.join(project, "app", "report.py"), REPORT_PY);
  git(project, "add", "app/report.py");
  // One PRE_COMMIT_HOME for both hooks: the repository is installed once. npm may reuse its cache.
  const env = { ...process.env, PRE_COMMIT_HOME: home, npm_config_prefer_offline: "true", NO_COLOR: "1" };
  const tryHook = (hook: string) => run("pre-commit", ["try-repo", hooks, hook, "--files", "app/report.py", "--color", "never"], { cwd: project, env });

  const lint = tryHook("pylazy");
  assert.equal(lint.status, 1, lint.output);
  assert.match(lint.output, /pylazy\.+Failed/);
  assert.match(lint.output, /app\/report\.py:3:1: LZ001 \[\*\] `pandas`/);
  assert.equal(readFileSync(path.join(project, "app", "report.py"), "utf8"), REPORT_PY);

  const fix = tryHook("pylazy-fix");
  assert.equal(fix.status, 1, fix.output);
  assert.match(fix.output, /files were modified by this hook/);
  const fixed = readFileSync(path.join(project, "app", "report.py"), "utf8");
  assert.doesNotMatch(fixed, /^import pandas as pd$/m);
  assert.match(fixed, /def load\(path\):\n {4}import pandas as pd\n/);

  const clean = tryHook("pylazy");
  assert.equal(clean.status, 0, clean.output);
  assert.match(clean.output, /pylazy\.+Passed/);
});
