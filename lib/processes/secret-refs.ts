import { existingSecretNames } from "../secrets/service";
import { secretRefs } from "../secrets/references";
import type { DefinitionError, ProcessDocument, Step } from "./schemas";

// The named secrets a definition refers to: only an HTTP step's headers may, as
// `{{ secrets.NAME }}` (lib/secrets/references.ts).

/** The secret names a step refers to. */
export function secretNamesOfStep(step: Step): string[] {
  if (step.kind !== "http") return [];
  return [...new Set(Object.values(step.headers).flatMap(secretRefs))];
}

/** Publishing checks that every named secret exists; each error names the step. */
export async function missingSecretErrors(doc: ProcessDocument): Promise<DefinitionError[]> {
  const found = await existingSecretNames([...new Set(doc.steps.flatMap(secretNamesOfStep))]);
  const errors: DefinitionError[] = [];
  doc.steps.forEach((step, i) => {
    for (const name of secretNamesOfStep(step)) {
      if (!found.has(name)) errors.push({ step: step.id, path: `steps.${i}.headers`, message: `Step "${step.id}": headers refer to the secret "${name}", which does not exist (create it under Admin → Secrets)` });
    }
  });
  return errors;
}
