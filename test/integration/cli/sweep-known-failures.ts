/**
 * Sweep cases that fail today for reasons other helpers of #19 own. The sweep asserts this
 * list exactly: remove an entry once its case passes (after merging that work).
 */
export const KNOWN_FAILURES: Record<string, string> = {
};
