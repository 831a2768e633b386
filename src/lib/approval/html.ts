/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ENTITIES[ch] ?? ch);
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** A minimal, self-contained page (no scripts, no external resources). */
export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}
button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:.3rem;color:#fff;cursor:pointer}
.approve{background:#1a7f37}.reject{background:#c62828}
textarea{width:100%;min-height:4rem}
table{border-collapse:collapse}td{padding:.15rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
code{background:#f3f3f3;padding:0 .2rem;word-break:break-all}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
