// Browser-side access to Baton's REST API: JSON in, JSON out, problem+json errors as ApiError.

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `Request failed (${problem.status})`);
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code ?? "UNKNOWN";
    this.problem = problem;
  }

  /** Field errors keyed by path, for showing next to form inputs. */
  fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.path, e.message]));
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body !== undefined ? { "content-type": "application/json", accept: "application/json" } : { accept: "application/json" },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: init.signal,
      credentials: "same-origin",
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError({ status: 0, code: "NETWORK", detail: "Can't reach Baton. Check your connection and try again." });
  }
  const text = await res.text();
  const body = text ? safeJson(text) : null;
  if (!res.ok) {
    const p = (body && typeof body === "object" ? body : {}) as Partial<Problem>;
    if (res.status === 401 && typeof window !== "undefined") {
      // The session ran out: send the person back through the login, then here again.
      const here = window.location.pathname + window.location.search;
      // A full page load on purpose: it drops every cached query of the previous session.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign(`/login?callbackUrl=${encodeURIComponent(here)}`);
    }
    throw new ApiError({ ...p, status: res.status, detail: p.detail ?? `Request failed (${res.status})` });
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function isApiError(e: unknown, ...codes: string[]): e is ApiError {
  return e instanceof ApiError && (codes.length === 0 || codes.includes(e.code));
}

/** A refused form submit: the server's message for the form, and its field errors by field. */
export function formErrorsOf(e: unknown): Record<string, string> {
  return e instanceof ApiError ? { ...e.fieldErrors(), form: e.message } : { form: "Something went wrong. Try again." };
}
