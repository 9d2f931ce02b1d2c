import { workspace } from "vscode";
import { LanguageClient, TransportKind } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** Starts `pylazy lsp` for Python files; the server reads the `pylazy.*` settings itself (workspace/configuration). */
export async function activate(): Promise<void> {
  const command = workspace.getConfiguration("pylazy").get<string>("path") || "pylazy";
  client = new LanguageClient(
    "pylazy",
    "pylazy",
    // The client adds `--stdio`, which `pylazy lsp` accepts.
    { command, args: ["lsp"], transport: TransportKind.stdio },
    {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "untitled", language: "python" },
      ],
    },
  );
  await client.start();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
