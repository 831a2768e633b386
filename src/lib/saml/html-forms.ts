/**
 * Just enough HTML reading for sign-in pages: their forms, inputs and error texts. Sign-in
 * pages are small and machine-generated (AD FS, Shibboleth, Keycloak, LemonLDAP::NG), so a
 * tolerant tag scanner is enough; nothing here executes or fetches anything.
 */
export interface HtmlInput {
  name: string;
  type: string;
  value: string;
  id?: string;
}

export interface HtmlForm {
  action?: string;
  method: string;
  id?: string;
  name?: string;
  inputs: HtmlInput[];
}

const FORM = /<form\b([^>]*)>([\s\S]*?)(?:<\/form\s*>|$)/gi;
const INPUT = /<(input|button)\b([^>]*)>/gi;
const ATTR = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;

export function parseAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(ATTR)) {
    const name = m[1]!.toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

export function parseForms(html: string): HtmlForm[] {
  const clean = html.replace(/<!--[\s\S]*?-->/g, "");
  const forms: HtmlForm[] = [];
  for (const m of clean.matchAll(FORM)) {
    const attrs = parseAttributes(m[1] ?? "");
    const inputs: HtmlInput[] = [];
    for (const input of (m[2] ?? "").matchAll(INPUT)) {
      const a = parseAttributes(input[2] ?? "");
      const tag = input[1]!.toLowerCase();
      if (!a.name) continue;
      if (tag === "button" && (a.type ?? "submit").toLowerCase() !== "submit") continue;
      inputs.push({ name: a.name, type: (a.type ?? (tag === "button" ? "submit" : "text")).toLowerCase(), value: a.value ?? "", id: a.id });
    }
    forms.push({ action: attrs.action, method: (attrs.method ?? "get").toLowerCase(), id: attrs.id, name: attrs.name, inputs });
  }
  return forms;
}

/**
 * The text of the first element whose id or class names an error (AD FS: `#errorText`). Link and
 * button labels inside it ("Go to portal", "Try again") are actions, not the message: left out, so
 * a page whose message is filled in by script (LemonLDAP::NG's `<span trmsg="96">`) quotes nothing
 * rather than a button.
 */
export function errorText(html: string): string | undefined {
  const clean = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<script\b[\s\S]*?<\/script>/gi, "")
    .replace(/<(a|button)\b[^>]*>[\s\S]*?<\/\1>/gi, " ");
  const candidates = /<(span|div|p|label|li)\b([^>]*\b(?:id|class)\s*=\s*["'][^"']*(?:error|alert|message-error|kc-feedback)[^"']*["'][^>]*)>([\s\S]*?)<\/\1>/gi;
  for (const m of clean.matchAll(candidates)) {
    const text = decodeEntities((m[3] ?? "").replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
    if (text) return text;
  }
  return undefined;
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_, entity: string) => {
    const e = entity.toLowerCase();
    if (e.startsWith("#x")) return safeChar(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return safeChar(parseInt(e.slice(1), 10));
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " } as Record<string, string>)[e] ?? "";
  });
}

function safeChar(code: number): string {
  return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
}

/** The text of the `<label for="id">`, if the page has one. */
export function labelText(html: string, id: string): string | undefined {
  for (const m of html.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label\s*>/gi)) {
    if (parseAttributes(m[1] ?? "").for === id) return decodeEntities((m[2] ?? "").replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  }
  return undefined;
}

/** `<meta http-equiv="refresh" content="3; url=…">`: the delay (ms) and the address, if any. */
export function metaRefresh(html: string): { delayMs: number; url?: string } | undefined {
  for (const m of html.matchAll(/<meta\b([^>]*)>/gi)) {
    const a = parseAttributes(m[1] ?? "");
    if ((a["http-equiv"] ?? "").toLowerCase() !== "refresh" || !a.content) continue;
    const parsed = /^\s*(\d+(?:\.\d+)?)\s*(?:[;,]\s*(?:url\s*=\s*)?['"]?([^'"]*)['"]?)?\s*$/i.exec(a.content);
    if (parsed) return { delayMs: Number(parsed[1]) * 1000, url: parsed[2] || undefined };
  }
  return undefined;
}

/** The delay of a page's self-submitting script (`setTimeout(…, 3000)`), in ms. */
export function scriptDelay(html: string): number | undefined {
  const m = /setTimeout\s*\([\s\S]{0,200}?,\s*(\d{1,6})\s*\)/.exec(html);
  return m ? Number(m[1]) : undefined;
}
