import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionUserId } from "@/app/api/_lib/session-token";
import type { SessionClaims } from "@/lib/identity/sessions";
import { actorForUser } from "@/lib/identity/service";
import type { Actor } from "@/lib/identity/actor";
import { PAGES } from "@/app/api/permission-matrix";

/** Where a person the sign-in policy requires a second factor of sets it up. */
export const ENROL_PAGE = "/settings/security";

export { safeCallbackUrl } from "../(auth)/callback-url";

export function pathWithQuery(path: string, searchParams: Record<string, string | string[] | undefined> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(searchParams)) {
    if (typeof v === "string") qs.set(k, v);
    else if (Array.isArray(v)) v.forEach((x) => qs.append(k, x));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * The signed-in person of this page request, or null. The same reading of the session cookie as
 * the API's (not next-auth's auth()): a signed-out or ended session is refused here too.
 */
export async function sessionActor(): Promise<Actor | null> {
  const cookie = (await headers()).get("cookie");
  const claims: { value?: SessionClaims } = {};
  const userId = cookie ? await sessionUserId(new Request("http://baton.invalid/", { headers: { cookie } }), claims) : null;
  return userId ? await actorForUser(userId, {}, claims.value) : null;
}

/**
 * The signed-in person as a domain Actor (role and permissions read fresh from the database),
 * or a redirect to the login page that comes back to `returnTo` afterwards.
 */
export async function requireActor(returnTo: string): Promise<Actor> {
  const actor = await sessionActor();
  if (!actor) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return actor;
}

/**
 * A page's check, from its row of the permission matrix (PAGES): the signed-in person (or a redirect
 * to the login page) and whether the row lets them in. `page` is the row's path ("/rules/[key]"),
 * `returnTo` where the login comes back to (default: the page).
 */
export async function requirePage(page: string, returnTo: string = page): Promise<{ actor: Actor; allowed: boolean }> {
  const row = PAGES.find((p) => p.path === page);
  if (!row) throw new Error(`${page} has no row in PAGES (app/api/permission-matrix.ts)`);
  const actor = await requireActor(returnTo);
  // Signed in without the second factor the policy requires: every page sends them to set it up first.
  if (actor.enrolmentRequired && page !== ENROL_PAGE) redirect(`${ENROL_PAGE}?enrol=required`);
  const needed = row.permission === "signed in" || row.permission === "public" ? [] : [row.permission, ...(row.anyOf ?? [])];
  return { actor, allowed: needed.length === 0 || needed.some((p) => actor.permissions.has(p)) };
}
