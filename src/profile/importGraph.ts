import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A `sitecustomize` that records which module's body imports which module, cached imports
 * included, and writes the pairs as JSON lines when the interpreter exits. `-X importtime` shows a
 * module only under its first importer; this is the rest of the graph. Only imports that run while
 * a module is imported count (a module or class body: code not compiled as a function, CO_OPTIMIZED
 * unset): an import in a function says nothing about what importing the module costs. The user's
 * own `sitecustomize`, if any, still runs.
 */
const SITECUSTOMIZE = String.raw`
import builtins, os, sys

_pylazy_edges = set()
_pylazy_import = builtins.__import__


def _pylazy_target(name, globals, level):
    if level == 0:
        return name
    package = globals.get("__package__")
    if package is None:
        importer = globals.get("__name__") or ""
        package = importer if "__path__" in globals else importer.rpartition(".")[0]
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return base + "." + name if name else base


def _pylazy_recording_import(name, globals=None, locals=None, fromlist=(), level=0):
    module = _pylazy_import(name, globals, locals, fromlist, level)
    try:
        if globals and not sys._getframe(1).f_code.co_flags & 1:
            importer = globals.get("__name__")
            target = _pylazy_target(name, globals, level)
            _pylazy_edges.add((importer, target))
            for item in fromlist or ():
                if target + "." + item in sys.modules:
                    _pylazy_edges.add((importer, target + "." + item))
    except Exception:
        pass
    return module


def _pylazy_write():
    builtins.__import__ = _pylazy_import
    import json
    with open(os.environ["PYLAZY_IMPORT_GRAPH"], "a") as out:
        for importer, target in sorted(_pylazy_edges):
            out.write(json.dumps([importer, target]) + "\n")


builtins.__import__ = _pylazy_recording_import
import atexit
atexit.register(_pylazy_write)

# Run the sitecustomize this one hides, as site.py would; then put this one back in sys.modules,
# where the import system expects to find the module it is still importing.
_pylazy_here = os.path.dirname(os.path.abspath(__file__))
_pylazy_path = sys.path[:]
_pylazy_self = sys.modules.pop("sitecustomize")
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _pylazy_here]
try:
    import sitecustomize
except ImportError as error:
    if error.name != "sitecustomize":
        raise
finally:
    sys.path[:] = _pylazy_path
    sys.modules["sitecustomize"] = _pylazy_self
`;

/** A folder to put first on PYTHONPATH while the program runs, and what it recorded afterwards. */
export class ImportGraphRecorder {
  readonly folder = mkdtempSync(path.join(os.tmpdir(), "pylazy-imports-"));
  private readonly output = path.join(this.folder, "imports.jsonl");

  constructor() {
    writeFileSync(path.join(this.folder, "sitecustomize.py"), SITECUSTOMIZE);
  }

  /** The environment to run the program with. */
  environment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const pythonPath = env.PYTHONPATH ? `${this.folder}${path.delimiter}${env.PYTHONPATH}` : this.folder;
    return { ...env, PYTHONPATH: pythonPath, PYLAZY_IMPORT_GRAPH: this.output };
  }

  /** Module → the modules its body imports; `__main__`'s imports are left to the import tree. */
  read(): Map<string, string[]> {
    const imports = new Map<string, Set<string>>();
    let text = "";
    try {
      text = readFileSync(this.output, "utf8");
    } catch {
      // The program ended without running atexit handlers (os._exit), or ignored PYTHONPATH (-E, -I).
    }
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const [importer, target] = JSON.parse(line) as [string | null, string];
      if (typeof importer !== "string" || importer === "__main__" || importer === target) continue;
      let targets = imports.get(importer);
      if (targets === undefined) imports.set(importer, (targets = new Set()));
      targets.add(target);
    }
    return new Map([...imports].sort(([a], [b]) => (a < b ? -1 : 1)).map(([importer, targets]) => [importer, [...targets].sort()]));
  }

  dispose(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}
