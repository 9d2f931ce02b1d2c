/** The output formats of `lint` (`--format`, `format` in the config); one formatter module each. */
export const OUTPUT_FORMATS = ["text", "json", "sarif", "github"];
