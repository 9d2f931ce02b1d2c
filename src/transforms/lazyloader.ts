import type { LazyHelper } from "./edits.js";
import { functionStrategy } from "./function.js";
import { importStatementFor } from "./importBlock.js";
import type { DeferralContext, DeferralResult, Strategy } from "./strategy.js";

export const LAZYLOADER_HELPER_NAME = "_pylazy_import";

/**
 * Inserted once per file. Python code, standard library only, 3.8+. LazyLoader's own module class
 * switches to a plain module before running it, so another thread can see a half-run module
 * (fixed in CPython 3.12); this class runs the module under a lock and switches only when done.
 */
const HELPER_CODE = `# Inserted by pylazy: import a module on first attribute access (importlib.util.LazyLoader).
class _PylazyLoadingModule(__import__("types").ModuleType):
    _lock = __import__("_thread").RLock()
    _loading = set()

    def __getattribute__(self, attr):
        cls = _PylazyLoadingModule
        with cls._lock:
            if type(self) is cls and id(self) not in cls._loading:
                cls._loading.add(id(self))
                try:
                    spec = object.__getattribute__(self, "__spec__")
                    before = spec.loader_state["__dict__"]
                    now = object.__getattribute__(self, "__dict__")
                    changed = {k: v for k, v in now.items() if k not in before or before[k] is not v}
                    spec.loader.exec_module(self)
                    now.update(changed)
                    self.__class__ = __import__("types").ModuleType
                finally:
                    cls._loading.discard(id(self))
        return __import__("types").ModuleType.__getattribute__(self, attr)

    def __delattr__(self, attr):
        # Load first, so that the attribute to delete is there.
        self.__getattribute__(attr)
        delattr(self, attr)


def ${LAZYLOADER_HELPER_NAME}(name):
    import importlib.machinery
    import importlib.util
    import sys

    with _PylazyLoadingModule._lock:
        module = sys.modules.get(name)
        if module is not None:
            return module
        spec = importlib.util.find_spec(name)
        if spec is None:
            raise ModuleNotFoundError("No module named %r" % name, name=name)
        if not isinstance(spec.loader, (importlib.machinery.SourceFileLoader, importlib.machinery.SourcelessFileLoader)):
            # Extension, builtin and namespace modules cannot be loaded lazily: import them now.
            return importlib.import_module(name)
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        module.__class__ = _PylazyLoadingModule
        return module`;

const HELPER: LazyHelper = { name: LAZYLOADER_HELPER_NAME, code: HELPER_CODE };

/**
 * \`np = _pylazy_import("numpy")\`: the name is bound at once to a module object that runs on first
 * attribute access and is then an ordinary module. Only for \`import top_level [as x]\`: a dotted
 * import would run its parent packages at once, and \`from m import name\` binds an object, not a
 * module, so those fall back to the \`function\` strategy.
 */
export const lazyloaderStrategy: Strategy = {
  name: "lazyloader",
  summary: "bind the name to a module object that runs on first attribute access (importlib.util.LazyLoader)",
  fixes: ["defer"],
  defer(context: DeferralContext): DeferralResult {
    const imported = context.heavy.imported;
    const fallback = lazyloaderLimit(imported);
    if (fallback) {
      const plan = functionStrategy.defer(context);
      return "refused" in plan ? { refused: `${fallback}; ${plan.refused}` } : { ...plan, fallbackReason: fallback };
    }
    return {
      strategy: "lazyloader",
      rewrites: [{ imported, replacement: `${imported.boundName} = ${LAZYLOADER_HELPER_NAME}(${JSON.stringify(imported.module)})`, helper: HELPER }],
      edits: [],
      additions: [],
      message: `Replace \`${importStatementFor(imported)}\` with a LazyLoader module`,
      keepsNameBound: true,
    };
  },
};

function lazyloaderLimit(imported: DeferralContext["heavy"]["imported"]): string | undefined {
  if (imported.kind === "from") return "`from … import name` binds an object, not a module: used the function strategy";
  if (imported.module.includes(".")) return `\`${imported.module}\` is a submodule, and finding it would run its parent package: used the function strategy`;
  return undefined;
}
