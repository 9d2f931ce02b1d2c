import { closeSync, openSync, readSync } from "node:fs";
import path from "node:path";

/** What a profiled command line starts: the interpreter behind it, and what runs as `__main__`. */
export interface EntryCommand {
  /** The interpreter the command runs: its first word, or the one its script's `#!` line names. */
  interpreter?: string;
  /** True when the first word is the interpreter itself, which can then be replaced by its full path. */
  startsWithInterpreter: boolean;
  /** `python -m module` runs `module` as `__main__`; `python file.py` runs the file. */
  main?: { module: string } | { file: string };
}

const PYTHON_NAME = /^python(\d+(\.\d+)*)?(\.exe)?$/i;
/** Interpreter options that take the next word as their value. */
const OPTIONS_WITH_VALUE = new Set(["-W", "-X", "--check-hash-based-pycs"]);

export function isPythonName(command: string): boolean {
  return PYTHON_NAME.test(path.basename(command));
}

export function describeEntryCommand(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): EntryCommand {
  if (isPythonName(argv[0])) return { interpreter: argv[0], startsWithInterpreter: true, main: mainOf(argv.slice(1), cwd) };
  const script = findOnPath(argv[0], cwd, env);
  const interpreter = script === undefined ? undefined : shebangInterpreter(script);
  return interpreter === undefined ? { startsWithInterpreter: false } : { interpreter, startsWithInterpreter: false };
}

function mainOf(args: readonly string[], cwd: string): EntryCommand["main"] {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "-m") return args[index + 1] === undefined ? undefined : { module: args[index + 1] };
    if (arg.startsWith("-m") && arg.length > 2) return { module: arg.slice(2) };
    if (arg === "-c" || arg.startsWith("-c") || arg === "-") return undefined;
    if (OPTIONS_WITH_VALUE.has(arg)) index++;
    else if (!arg.startsWith("-")) return { file: path.resolve(cwd, arg) };
  }
  return undefined;
}

/** A console script (`mycli`) is a small Python file whose `#!` line names its interpreter. */
function shebangInterpreter(script: string): string | undefined {
  let firstLine: string;
  try {
    const fd = openSync(script, "r");
    const buffer = Buffer.alloc(512);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
    firstLine = buffer.subarray(0, length).toString("utf8").split("\n")[0];
  } catch {
    return undefined;
  }
  if (!firstLine.startsWith("#!")) return undefined;
  const words = firstLine.slice(2).trim().split(/\s+/);
  const command = path.basename(words[0]) === "env" ? words.find((word, index) => index > 0 && !word.startsWith("-")) : words[0];
  return command !== undefined && isPythonName(command) ? command : undefined;
}

function findOnPath(command: string, cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (command.includes("/") || command.includes(path.sep)) return path.resolve(cwd, command);
  for (const folder of (env.PATH ?? "").split(path.delimiter)) {
    if (folder === "") continue;
    const candidate = path.join(folder, command);
    try {
      closeSync(openSync(candidate, "r"));
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
