// Matching a request line against the API's route patterns (the router in lib/http/router.ts).
// Pure, so it is unit-tested on its own.
//
// The patterns are compiled once into a tree of path segments. A request walks it segment by
// segment, trying a static segment before a parameter at each depth and falling back to the
// parameter only when the static branch leads nowhere — the precedence Next.js gives its file
// tree, so `/tasks/bulk` wins over `/tasks/:id`. The path picks the route first and the method
// second: a path that exists without the method is a 405, not a match further down the tree.

interface RoutePattern<T> {
  method: string;
  /** Path segments separated by "/"; ":name" captures one segment. */
  pattern: string;
  target: T;
}

interface Node<T> {
  statics: Map<string, Node<T>>;
  param: { name: string; node: Node<T> } | null;
  methods: Map<string, T>;
  /** The Allow header of this path (OPTIONS, 405): its methods, HEAD where GET is, and OPTIONS. */
  allow: string;
}

type RouteLookup<T> =
  | { target: T; params: Record<string, string> }
  /** The path exists but has no route for the method. */
  | { allow: string }
  | null;

interface RouteTable<T> {
  match(method: string, url: string): RouteLookup<T>;
}

const QUERY_OR_FRAGMENT = /[?#]/;

const node = <T>(): Node<T> => ({ statics: new Map(), param: null, methods: new Map(), allow: "" });

function segmentsOf(pattern: string): string[] {
  return pattern.split("/").filter(Boolean);
}

export function compileRoutes<T>(routes: readonly RoutePattern<T>[]): RouteTable<T> {
  const root = node<T>();
  const ends = new Set<Node<T>>();
  for (const r of routes) {
    let at = root;
    for (const s of segmentsOf(r.pattern)) {
      if (!s.startsWith(":")) {
        let next = at.statics.get(s);
        if (!next) at.statics.set(s, (next = node()));
        at = next;
        continue;
      }
      const name = s.slice(1);
      if (at.param && at.param.name !== name) throw new Error(`${r.pattern}: ":${name}" and ":${at.param.name}" name the same path segment`);
      at.param ??= { name, node: node() };
      at = at.param.node;
    }
    if (at.methods.has(r.method)) throw new Error(`${r.method} ${r.pattern} is declared twice`);
    at.methods.set(r.method, r.target);
    ends.add(at);
  }
  for (const end of ends) {
    const methods = new Set(end.methods.keys()).add("OPTIONS");
    if (methods.has("GET")) methods.add("HEAD");
    end.allow = [...methods].sort().join(", ");
  }

  return {
    match(method, url) {
      const q = url.search(QUERY_OR_FRAGMENT);
      const parts = segmentsOf(q < 0 ? url : url.slice(0, q));
      const params: Record<string, string> = {};
      const end = walk(root, parts, 0, params);
      if (!end) return null;
      const target = end.methods.get(method) ?? (method === "HEAD" ? end.methods.get("GET") : undefined);
      return target === undefined ? { allow: end.allow } : { target, params };
    },
  };
}

function walk<T>(at: Node<T>, parts: string[], i: number, params: Record<string, string>): Node<T> | null {
  if (i === parts.length) return at.methods.size > 0 ? at : null;
  const part = parts[i]!;
  const exact = at.statics.get(part);
  const found = exact ? walk(exact, parts, i + 1, params) : null;
  if (found || !at.param) return found;
  let value: string;
  try {
    value = decodeURIComponent(part);
  } catch {
    return null; // a malformed escape names no route
  }
  const below = walk(at.param.node, parts, i + 1, params);
  if (below) params[at.param.name] = value;
  return below;
}
