import { readFileSync } from "node:fs";
import { moduleNameForFile } from "../analysis/modulePath.js";
import { buildSemanticModel } from "../analysis/model.js";
import type { SemanticModel } from "../analysis/model.js";
import { LineIndex } from "../parse/lines.js";
import { parsePython } from "../parse/parser.js";
import { displayPath } from "../engine/run.js";
import { decodePythonSource } from "../parse/source.js";
import { discoverPythonFiles } from "../project/files.js";
import type { Project } from "../project/types.js";
import { importSitesOf } from "./importSites.js";
import type { FirstPartyModule } from "./importSites.js";

/** A file some earlier step already parsed, so it is not parsed again. */
export interface AnalyzedFile {
  /** Absolute path. */
  path: string;
  analysis: { filename: string; lines: LineIndex; model?: SemanticModel };
}

/**
 * Every module of the project with the imports it runs when imported. The whole project counts
 * (DESIGN §5), not only the files being linted: an import elsewhere can keep a module eager.
 * Files that cannot be read or parsed contribute no statements; the profile speaks for them.
 */
export async function loadFirstPartyModules(project: Project, cwd: string, analyzed: readonly AnalyzedFile[]): Promise<Map<string, FirstPartyModule>> {
  const known = new Map(analyzed.map((file) => [file.path, file]));
  const { files } = await discoverPythonFiles(project, [project.root], cwd);
  const modules = new Map<string, FirstPartyModule>();
  for (const file of new Set([...known.keys(), ...files])) {
    const fileModule = moduleNameForFile(file);
    if (fileModule.module === "" || modules.has(fileModule.module)) continue;
    const parsed = known.get(file)?.analysis ?? parseFile(file, cwd);
    if (!parsed?.model) continue;
    const paths = { absolute: file, shown: parsed.filename };
    modules.set(fileModule.module, { module: fileModule.module, file: parsed.filename, sites: importSitesOf(parsed.model, parsed.lines, fileModule, paths) });
  }
  return modules;
}

function parseFile(file: string, cwd: string): AnalyzedFile["analysis"] | undefined {
  let text: string;
  try {
    text = decodePythonSource(readFileSync(file)).text;
  } catch {
    return undefined;
  }
  const tree = parsePython(text);
  if (tree.rootNode.hasError) return undefined;
  return { filename: displayPath(file, cwd), lines: new LineIndex(text), model: buildSemanticModel(text, tree) };
}
