// The references people read and type: a task is TSK-<number> in every screen, e-mail, export and
// webhook, whichever domain writes it.

export function taskReference(n: number): string {
  return `TSK-${n}`;
}
