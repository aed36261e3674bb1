// @mentions are written as @e-mail (the comment form inserts them from a people list), so they are
// unambiguous and survive renames. Pure: the service resolves them to users.
const MENTION = /(^|[\s(,;])@([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** Lower-cased e-mail addresses mentioned in the text, each once, in order of appearance. */
export function parseMentions(body: string): string[] {
  const seen = new Set<string>();
  for (const m of body.matchAll(MENTION)) {
    const email = m[2]!.toLowerCase().replace(/[.]+$/, "");
    seen.add(email);
  }
  return [...seen];
}
