import { ZodError } from "zod";
import { AppError } from "../errors";
import { invalidSyntax, invalidValue } from "./resources";
import type { PatchOperation } from "./schemas";

// PATCH (RFC 7644 section 3.5.2) over a resource's flat state: each operation sets (add, replace)
// or clears (remove) one attribute by path. Without a path the value is an object of attributes —
// Okta's `replace` of {"active": false}, Entra ID's {"name.givenName": "…"} — applied one by one.

export interface PatchTarget<S> {
  /** Applies one attribute; throws invalidPath for attributes it does not know. */
  set(state: S, path: string, value: unknown, op: PatchOperation["op"]): void;
}

export function applyPatch<S>(state: S, operations: PatchOperation[], target: PatchTarget<S>): void {
  for (const [i, operation] of operations.entries()) {
    try {
      if (operation.path) {
        if (operation.op !== "remove" && operation.value === undefined) throw invalidSyntax(`Operation ${i + 1} (${operation.op} ${operation.path}) has no value.`);
        target.set(state, operation.path, operation.value, operation.op);
        continue;
      }
      if (operation.op === "remove") throw new AppError("BAD_REQUEST", `Operation ${i + 1}: remove needs a path.`, { details: { scimType: "noTarget" } });
      const value = operation.value;
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidSyntax(`Operation ${i + 1}: without a path, the value must be an object of attributes.`);
      for (const [attribute, v] of Object.entries(value)) {
        if (attribute === "schemas" || attribute === "id" || attribute === "meta") continue;
        target.set(state, attribute, v, operation.op);
      }
    } catch (e) {
      if (e instanceof ZodError) throw invalidValue(`Operation ${i + 1} (${operation.op} ${operation.path ?? "without a path"}): ${e.issues.map((x) => x.message).join("; ")}.`);
      throw e;
    }
  }
}
