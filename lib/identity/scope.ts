import { principalId, type Actor } from "./actor";
import { loadUserScope, type UserScope } from "./repository";

// A request's actor is built with its scope from one query (actorForUser); the services ask for
// the scope again (listing, deciding, auditing). Remembered per actor object, so within one
// request it is never read twice, and a new request always reads it fresh.
const known = new WeakMap<Actor, UserScope>();

const EMPTY_SCOPE: UserScope = { skills: [], groups: [], groupIds: [], supervisedGroupIds: [], reportIds: [] };

export function rememberScope(actor: Actor, scope: UserScope): void {
  known.set(actor, scope);
}

/** The groups, skills and team of a person actor, or of a token's owner (empty for workers). */
export async function scopeOf(actor: Actor): Promise<UserScope> {
  const id = principalId(actor);
  if (!id) return EMPTY_SCOPE;
  const hit = known.get(actor);
  if (hit) return hit;
  const scope = await loadUserScope(id);
  known.set(actor, scope);
  return scope;
}
