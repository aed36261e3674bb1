import { AppError } from "../errors";
import { existingSecretHosts } from "../secrets/service";
import { secretMayGoTo, secretRefs } from "../secrets/references";
import type { DefinitionError, ProcessDocument, Step } from "./schemas";

// The named secrets a definition refers to: only an HTTP step's headers may, as
// `{{ secrets.NAME }}` (lib/secrets/references.ts). Each secret names the hosts it may be sent
// to, so a step that uses one must name its host literally, and that host must be on the list.

/** The secret names a step refers to. */
export function secretNamesOfStep(step: Step): string[] {
  if (step.kind !== "http") return [];
  return [...new Set(Object.values(step.headers).flatMap(secretRefs))];
}

/**
 * The host a URL template names, when its scheme and authority are literal (templates only in the
 * path or query); null when the host itself comes from a template or the URL is not http(s).
 */
export function literalHostOf(urlTemplate: string): string | null {
  const m = /^https?:\/\/([^/?#]*)/i.exec(urlTemplate);
  if (!m || m[1]!.includes("{{") || m[1]!.includes("}}")) return null;
  try {
    return new URL(`http://${m[1]}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Publishing checks that every named secret exists (VALIDATION_FAILED, naming the step) and that
 * no step would send one to a host the secret does not allow (SECRET_HOST_NOT_ALLOWED).
 */
export async function checkSecretUse(doc: ProcessDocument): Promise<DefinitionError[]> {
  const found = await existingSecretHosts([...new Set(doc.steps.flatMap(secretNamesOfStep))]);
  const errors: DefinitionError[] = [];
  const misdirected: string[] = [];
  doc.steps.forEach((step, i) => {
    if (step.kind !== "http") return;
    const host = literalHostOf(step.url);
    for (const name of secretNamesOfStep(step)) {
      const hosts = found.get(name);
      if (!hosts) {
        errors.push({ step: step.id, path: `steps.${i}.headers`, message: `Step "${step.id}": headers refer to the secret "${name}", which does not exist (create it under Admin → Secrets)` });
      } else if (host === null) {
        misdirected.push(`Step "${step.id}" sends the secret "${name}" to a URL whose host is a template; a step that uses a secret must name its host literally`);
      } else if (!secretMayGoTo(hosts, host)) {
        misdirected.push(`Step "${step.id}" would send the secret "${name}" to ${host}, which is not one of the hosts it may be sent to (${hosts.join(", ") || "none"}); add the host to the secret under Admin → Secrets`);
      }
    }
  });
  if (misdirected.length) {
    throw new AppError("SECRET_HOST_NOT_ALLOWED", misdirected.join("; "), { details: { problems: misdirected } });
  }
  return errors;
}
