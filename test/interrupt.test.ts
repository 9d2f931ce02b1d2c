import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { cliPath, makeProject, runCli } from "./helpers/cli.js";

// Ctrl-C (SIGINT) or a kill (SIGKILL) in the middle of `fix` over many files leaves every file either
// exactly as it was or exactly as a complete fix writes it; after SIGINT no temporary file is left.
const SEED = Number(process.env.PYLAZY_INTERRUPT_SEED ?? 7);
const FILE_COUNT = 300;
const TEMPORARY_FILE = /^\..*\.pylazy-\d+\.tmp$/;

type Signal = "SIGINT" | "SIGKILL";
/** `timed`: a random moment of the whole run; `writing`: a few ms after the first file is written. */
type Moment = "timed" | "writing";

interface Trial {
  signal: Signal;
  verify: boolean;
  moment: Moment;
}

// A kill before the writes proves nothing, so SIGKILL comes only once writing has begun.
const TRIALS: Trial[] = [false, true].flatMap((verify) => [
  { signal: "SIGINT" as const, verify, moment: "timed" as const },
  { signal: "SIGINT" as const, verify, moment: "writing" as const },
  { signal: "SIGINT" as const, verify, moment: "writing" as const },
  { signal: "SIGKILL" as const, verify, moment: "writing" as const },
  { signal: "SIGKILL" as const, verify, moment: "writing" as const },
]);

function moduleSource(index: number): string {
  return `"""Module ${index}."""\nimport numpy as np\n\n\ndef total_${index}(values):\n    return np.asarray(values).sum() + ${index}\n`;
}

test(`fix interrupted by SIGINT or SIGKILL leaves each file whole, old or new (seed ${SEED})`, { timeout: 10 * 60_000 }, async (t) => {
  const files = Object.fromEntries(Array.from({ length: FILE_COUNT }, (_, i) => [`src/m${String(i).padStart(3, "0")}.py`, moduleSource(i)]));
  const pristine = makeProject(files);
  const random = mulberry32(SEED);
  const scratch: string[] = [pristine];
  try {
    // What a complete fix writes, from a copy nobody interrupts.
    const complete = copyProject(pristine, scratch);
    const started = performance.now();
    const full = runCli(["fix", "."], complete);
    const fullMs = performance.now() - started;
    assert.equal(full.status, 0, full.stderr);
    const expected = new Map(Object.keys(files).map((name) => [name, readFileSync(path.join(complete, name), "utf8")]));
    for (const [name, content] of expected) assert.notEqual(content, files[name], `a complete fix left ${name} unchanged`);

    let partialRuns = 0;
    let leftoverAfterKill = 0;
    for (const trial of TRIALS) {
      const project = copyProject(pristine, scratch);
      const delayMs = trial.moment === "timed" ? random() * fullMs : random() * 30;
      const context = `${trial.signal} ${trial.moment === "timed" ? `${Math.round(delayMs)} ms after start` : `${Math.round(delayMs)} ms after the first write`}${trial.verify ? "" : ", --no-verify"}, seed ${SEED}, project ${project}`;
      const exit = await interruptedFix(project, trial, delayMs);

      let written = 0;
      for (const name of Object.keys(files)) {
        const content = readFileSync(path.join(project, name), "utf8");
        if (content === expected.get(name)) written++;
        else assert.equal(content, files[name], `${name} is neither its old content nor a complete fix's (${context})`);
      }
      const temporary = filesUnder(project).filter((file) => TEMPORARY_FILE.test(path.basename(file)));
      if (trial.signal === "SIGINT") {
        assert.deepEqual(temporary, [], `temporary files left after SIGINT (${context})`);
        // Exit 130 when the signal came while writing, killed by it before, 0 if the run had finished.
        assert.ok(exit.status === 130 || exit.status === 0 || exit.signal === "SIGINT", `exit ${exit.status ?? exit.signal} (${context})`);
      } else {
        leftoverAfterKill += temporary.length;
      }
      if (written > 0 && written < FILE_COUNT) partialRuns++;
      t.diagnostic(`${context.split(", seed")[0]}: ${written}/${FILE_COUNT} files written, exit ${exit.status ?? exit.signal}, ${temporary.length} temporary files`);
      rmSync(project, { recursive: true, force: true });
    }
    t.diagnostic(`${partialRuns} of ${TRIALS.length} runs stopped part-way; ${leftoverAfterKill} temporary files after SIGKILL`);
    // Interrupts that all land before or after the writes would prove nothing about the writes.
    assert.ok(partialRuns > 0, "no interrupt landed while files were being written");
  } finally {
    for (const folder of scratch) rmSync(folder, { recursive: true, force: true });
  }
});

/** Runs `pylazy fix` in `project` and sends the trial's signal after the delay; resolves when it exits. */
function interruptedFix(project: string, trial: Trial, delayMs: number): Promise<{ status: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, "fix", ".", ...(trial.verify ? [] : ["--no-verify"])], { cwd: project, stdio: "ignore" });
    let timer: NodeJS.Timeout | undefined;
    const send = (): void => {
      timer = setTimeout(() => child.kill(trial.signal), delayMs);
    };
    // The first event in src/ is the first temporary file of the write phase.
    const watcher = trial.moment === "writing" ? watch(path.join(project, "src"), () => {
      watcher?.close();
      send();
    }) : undefined;
    if (trial.moment === "timed") send();
    child.on("error", reject);
    child.on("exit", (status, signal) => {
      watcher?.close();
      clearTimeout(timer);
      resolve({ status, signal });
    });
  });
}

function copyProject(from: string, scratch: string[]): string {
  const to = mkdtempSync(path.join(os.tmpdir(), "pylazy-interrupt-"));
  cpSync(from, to, { recursive: true });
  scratch.push(to);
  return to;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
}

/** A small seeded PRNG, so that a failing run can be repeated. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
