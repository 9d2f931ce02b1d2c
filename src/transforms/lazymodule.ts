import type { LazyHelper } from "./edits.js";
import { functionStrategy } from "./function.js";
import { importStatementFor } from "./importBlock.js";
import type { DeferralContext, DeferralResult, Strategy } from "./strategy.js";

export const LAZYMODULE_HELPER_NAME = "_PylazyModule";

/**
 * Inserted once per file. Python code, standard library only, 3.8+. Every attribute, dunders
 * included (`__doc__`, `__spec__`, `__dict__` once imported), comes from the real module, which is
 * looked up once, not on every access.
 */
const HELPER_CODE = `# Inserted by pylazy: a stand-in that imports its module on first attribute access.
class ${LAZYMODULE_HELPER_NAME}(__import__("types").ModuleType):
    def __init__(self, name, target=None):
        super().__init__(name)
        object.__getattribute__(self, "__dict__")["_pylazy_target"] = target or name

    @staticmethod
    def _pylazy_real(proxy):
        namespace = object.__getattribute__(proxy, "__dict__")
        module = namespace.get("_pylazy_real")
        if module is None:
            import importlib
            import sys

            importlib.import_module(namespace["_pylazy_target"])
            module = namespace["_pylazy_real"] = sys.modules[namespace["__name__"]]
        return module

    def __getattribute__(self, attr):
        # Before the import, what isinstance() and this class need comes from the stand-in itself.
        if attr in ("__class__", "__dict__") and "_pylazy_real" not in object.__getattribute__(self, "__dict__"):
            return object.__getattribute__(self, attr)
        return getattr(${LAZYMODULE_HELPER_NAME}._pylazy_real(self), attr)

    def __setattr__(self, attr, value):
        setattr(${LAZYMODULE_HELPER_NAME}._pylazy_real(self), attr, value)

    def __delattr__(self, attr):
        delattr(${LAZYMODULE_HELPER_NAME}._pylazy_real(self), attr)

    def __dir__(self):
        return dir(${LAZYMODULE_HELPER_NAME}._pylazy_real(self))

    def __repr__(self):
        import sys

        namespace = object.__getattribute__(self, "__dict__")
        if namespace["_pylazy_target"] in sys.modules:
            return repr(${LAZYMODULE_HELPER_NAME}._pylazy_real(self))
        return "<module %r (not imported yet)>" % namespace["__name__"]`;

const HELPER: LazyHelper = { name: LAZYMODULE_HELPER_NAME, code: HELPER_CODE };

/**
 * \`np = _PylazyModule("numpy")\`: a \`types.ModuleType\` stand-in that imports the module on first
 * attribute access and forwards every access to it. \`import a.b\` (binding \`a\`) works too; \`from m
 * import name\` binds an object, not a module, so it falls back to the \`function\` strategy.
 */
export const lazymoduleStrategy: Strategy = {
  name: "lazymodule",
  summary: "bind the name to a types.ModuleType proxy that imports on first attribute access",
  fixes: ["defer"],
  defer(context: DeferralContext): DeferralResult {
    const imported = context.heavy.imported;
    if (imported.kind === "from") {
      const plan = functionStrategy.defer(context);
      const reason = "`from … import name` binds an object, not a module: used the function strategy";
      return "refused" in plan ? { refused: `${reason}; ${plan.refused}` } : { ...plan, fallbackReason: reason };
    }
    // `import a.b.c` binds `a`; `import a.b.c as x` binds `a.b.c`.
    const bound = imported.asName ? imported.module : imported.module.split(".")[0];
    const args = bound === imported.module ? JSON.stringify(bound) : `${JSON.stringify(bound)}, ${JSON.stringify(imported.module)}`;
    return {
      strategy: "lazymodule",
      rewrites: [{ imported, replacement: `${imported.boundName} = ${LAZYMODULE_HELPER_NAME}(${args})`, helper: HELPER }],
      edits: [],
      additions: [],
      message: `Replace \`${importStatementFor(imported)}\` with a lazy module proxy`,
      keepsNameBound: true,
    };
  },
};
