import { redirect } from "next/navigation";
import { auth } from "@/auth";
import { actorForUser } from "@/lib/identity/service";
import type { Actor } from "@/lib/identity/actor";

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
 * The signed-in person as a domain Actor (role and permissions read fresh from the database),
 * or a redirect to the login page that comes back to `returnTo` afterwards.
 */
export async function requireActor(returnTo: string): Promise<Actor> {
  const session = await auth();
  const actor = session?.user?.id ? await actorForUser(session.user.id) : null;
  if (!actor) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return actor;
}
