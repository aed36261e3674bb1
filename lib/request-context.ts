import { AsyncLocalStorage } from "node:async_hooks";

// The request id of the work in progress, carried through async calls: set by withApi for an
// HTTP request and by the worker for a job (from its payload). The logger stamps it on every
// line, the outbox copies it into the jobs a change implies, and audit entries record it — so
// one id follows an action from the request through the queue into the worker and the audit log.

const storage = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return requestId ? storage.run({ requestId }, fn) : fn();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
