// Types of db-roles.mjs for the TypeScript callers (tests that build databases of their own).
export function ownerUrlOf(environment?: NodeJS.ProcessEnv): string | undefined;
export function grantAppRole(opts: { ownerUrl: string; appUrl: string }): Promise<{ skipped?: string; role?: string; database?: string }>;
