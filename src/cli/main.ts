import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { UserError } from "../errors.js";
import { fixCommand } from "./fix.js";
import { lintCommand } from "./lint.js";
import { lspCommand } from "./lsp.js";
import { quietOnClosedStdout } from "./output.js";
import { profileCommand } from "./profile.js";
import { ruleCommand } from "./rule.js";
import { rulesCommand } from "./rules.js";

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** Runs the command line; resolves to the process exit code (0 clean, 1 findings, 2 error). */
export async function main(argv: string[]): Promise<number> {
  quietOnClosedStdout();
  let exitCode = 0;
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  const program = new Command("pylazy")
    .description("Find the module-level imports that slow a Python program's startup, and defer them.")
    .version(version(), "-V, --version")
    .exitOverride()
    .showHelpAfterError("(run `pylazy --help` for usage)");
  for (const command of [lintCommand(setExitCode), fixCommand(setExitCode), profileCommand(setExitCode), ruleCommand(setExitCode), rulesCommand(setExitCode), lspCommand(setExitCode)]) {
    // Subcommands added this way do not inherit these settings: errors must reach our exit codes.
    program.addCommand(command.exitOverride().showHelpAfterError(`(run \`pylazy ${command.name()} --help\` for usage)`));
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UserError) {
      process.stderr.write(`pylazy: error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  return exitCode;
}
