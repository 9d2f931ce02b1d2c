/**
 * An error the user can act on (bad option, config, profile or path): reported in one line, exit 2,
 * never with a stack trace. Kept in a module of its own so the CLI can recognize one without
 * loading the code that throws it.
 */
export class UserError extends Error {}
