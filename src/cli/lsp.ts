import { Command } from "commander";

export function lspCommand(_setExitCode: (code: number) => void): Command {
  const command = new Command("lsp")
    .description("run the language server on stdio, for editors: diagnostics, quick fixes, hovers")
    // Editors' clients (VS Code's among them) pass --stdio; it is the only transport, so the flag changes nothing.
    .option("--stdio", "talk JSON-RPC over stdin and stdout (the default)")
    .action(async () => {
      // Loaded here, not at the top: the language server library is large and only `lsp` needs it.
      const { startLanguageServer } = await import("../lsp/server.js");
      // The server runs until the client says `exit` or closes stdin; it then ends the process itself.
      startLanguageServer({ input: process.stdin, output: process.stdout, version: command.parent?.version() ?? "unknown" });
    });
  return command;
}
