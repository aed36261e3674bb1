// Types of dockerfile.mjs for its unit test.
export class DockerfileError extends Error {}
export type Instruction = {
  op: string;
  flags: Record<string, string>;
  line: number;
  path?: string;
  sources?: string[];
  dest?: string;
  command?: string;
  pairs?: [string, string][];
  user?: string;
  ports?: number[];
  argv?: string[];
  none?: boolean;
  signal?: string;
};
export type Stage = { name: string; base: string; line: number; instructions: Instruction[] };
export function parseDockerfile(text: string): Stage[];
export function lastOf(stage: Stage, op: string): Instruction | undefined;
export function envOf(stage: Stage): Record<string, string>;
export function parseDockerignore(text: string): (rel: string) => boolean;
export function runCommands(command: string, where: string): string[][];
