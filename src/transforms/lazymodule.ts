import { functionStrategy } from "./function.js";
import { importStatementFor, preambleInsertion } from "./edits.js";
import type { DeferralContext, DeferralResult, Strategy } from "./strategy.js";

export const LAZYMODULE_HELPER_NAME = "_PylazyModule";

/** Inserted once per file. Python code, standard library only, 3.8+. */
const HELPER = `# Inserted by pylazy: a stand-in that imports its module on first attribute access.
class ${LAZYMODULE_HELPER_NAME}(__import__("types").ModuleType):
    def __init__(self, name, target=None):
        super().__init__(name)
        # Keep only __name__: __doc__, __spec__ and the rest must come from the real module.
        for key in ("__doc__", "__package__", "__loader__", "__spec__"):
            self.__dict__.pop(key, None)
        self.__dict__["_pylazy_target"] = target or name

    def _pylazy_module(self):
        import importlib
        import sys

        importlib.import_module(self.__dict__["_pylazy_target"])
        return sys.modules[self.__name__]

    def __getattr__(self, attr):
        return getattr(self._pylazy_module(), attr)

    def __setattr__(self, attr, value):
        setattr(self._pylazy_module(), attr, value)

    def __delattr__(self, attr):
        delattr(self._pylazy_module(), attr)

    def __dir__(self):
        return dir(self._pylazy_module())

    def __repr__(self):
        import sys

        if self.__dict__["_pylazy_target"] in sys.modules:
            return repr(sys.modules[self.__name__])
        return "<module %r (not imported yet)>" % self.__name__`;

/**
 * \`np = _PylazyModule("numpy")\`: a \`types.ModuleType\` stand-in that imports the module on first
 * attribute access and forwards every access to it. \`import a.b\` (binding \`a\`) works too; \`from m
 * import name\` binds an object, not a module, so it falls back to the \`function\` strategy.
 */
export const lazymoduleStrategy: Strategy = {
  name: "lazymodule",
  summary: "bind the name to a types.ModuleType proxy that imports on first attribute access",
  defer(context: DeferralContext): DeferralResult {
    const { heavy, model, lines } = context;
    const imported = heavy.imported;
    if (imported.kind === "from") {
      const plan = functionStrategy.defer(context);
      const reason = "`from … import name` binds an object, not a module: used the function strategy";
      return "refused" in plan ? { refused: `${reason}; ${plan.refused}` } : { ...plan, fallbackReason: reason };
    }
    // `import a.b.c` binds `a`; `import a.b.c as x` binds `a.b.c`.
    const bound = imported.asName ? imported.module : imported.module.split(".")[0];
    const args = bound === imported.module ? JSON.stringify(bound) : `${JSON.stringify(bound)}, ${JSON.stringify(imported.module)}`;
    const edits = model.moduleBindings(LAZYMODULE_HELPER_NAME).length > 0 ? [] : [preambleInsertion(model, lines, HELPER)];
    return {
      strategy: "lazymodule",
      rewrites: [{ imported, replacement: `${imported.boundName} = ${LAZYMODULE_HELPER_NAME}(${args})` }],
      edits,
      message: `Replace \`${importStatementFor(imported)}\` with a lazy module proxy`,
      keepsNameBound: true,
    };
  },
};
