const HOME = "/inbox";
const PARSE_BASE = "http://baton.invalid";

/**
 * Only a path of this site may be a post-login destination (no open redirect, security review
 * M2). Browsers strip tabs and newlines from URLs and read "\\" as "/", so `/\t/evil.example`
 * would become `//evil.example`: any control character, whitespace or backslash is refused, and
 * what is left must parse as a path of this origin. Returns path + query + fragment, never an origin.
 */
export function safeCallbackUrl(raw: string | string[] | undefined | null): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v || v.length > 2000 || !v.startsWith("/") || /[\u0000-\u0020\u007f-\u00a0\\]/.test(v)) return HOME;
  let url: URL;
  try {
    url = new URL(v, PARSE_BASE);
  } catch {
    return HOME;
  }
  if (url.origin !== PARSE_BASE || v.startsWith("//")) return HOME;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("/login") || path.startsWith("//") ? HOME : path;
}
