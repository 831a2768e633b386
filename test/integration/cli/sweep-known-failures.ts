/**
 * Sweep cases that fail for a known reason, each with why: `"<command> <case>": "<reason>"`.
 * The sweep asserts this list exactly: remove an entry once its case passes. Empty: every
 * case passes.
 */
export const KNOWN_FAILURES: Record<string, string> = {
};
