// Types of image-rehearsal.mjs for its unit test.
import type { Stage } from "./dockerfile.mjs";
export function runtimeImports(text: string): string[];
export function contextFiles(ignored: (rel: string) => boolean): string[];
export function planStages(
  stages: Stage[],
  files: string[],
  pkg: { scripts?: Record<string, string> },
): { workdir: string; files: Set<string>; outputs: string[]; env: Record<string, string> };
