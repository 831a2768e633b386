/** Lambda's documented deployment-package limits and the fixed zip metadata awsblog writes. */
export const LAMBDA_LIMITS = {
  /** Largest zip accepted as a direct upload (CreateFunction/UpdateFunctionCode ZipFile). */
  zippedBytes: 50 * 1024 * 1024,
  /** Largest unzipped deployment package (function code plus layers). */
  unzippedBytes: 250 * 1024 * 1024,
} as const;

/**
 * Sizes in messages, in binary units as Lambda's limits are given: bytes below 1 KB, then KB
 * and MB with one decimal (a 600-byte zip is "600 B", not "0.0 MB").
 */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Every entry carries this timestamp so the same inputs give the same bytes. It is built
 * from local-time fields because the DOS date field is local time: 1980-01-01 00:00 (the
 * earliest DOS date) encodes identically in every time zone.
 */
export function fixedZipDate(): Date {
  return new Date(1980, 0, 1, 0, 0, 0);
}

export const FILE_MODE = { executable: 0o100755, regular: 0o100644, directory: 0o040755 } as const;

export type Language = "php" | "go" | "ruby";
export type InputMode = "stdin" | "argv";

/** How each language is run: which binary, and where the event goes by default. */
export const LANGUAGES: Record<Language, { defaultInput: InputMode; interpreter?: string }> = {
  php: { defaultInput: "stdin", interpreter: "bin/php" },
  ruby: { defaultInput: "argv", interpreter: "bin/ruby" },
  go: { defaultInput: "argv" },
};
