"use client";

// Admin screens over REST: people and groups, API tokens, named secrets, webhook endpoints and their deliveries.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreatedTokenDto, CreateServiceAccountInput, CreateTokenInput, ServiceAccountDto, TokenDto, UpdateServiceAccountInput } from "@/lib/identity/schemas";
import type {
  DeactivateInput,
  DeactivationDto,
  GroupCreate,
  GroupDetail,
  GroupDto,
  GroupMembersPage,
  GroupPage,
  GroupPatch,
  InvitationResult,
  InviteInput,
  OrgChartPage,
  UserDto,
  UserList,
  UserPatch,
} from "@/lib/people/schemas";
import type { CalendarDto, CalendarInput } from "@/lib/sla/schemas";
import type { CreateSecretInput, RotateSecretInput, SecretDto, SecretList } from "@/lib/secrets/schemas";
import type { CreateWebhookInput, DeliveryPage, WebhookDto, WebhookWithSecretDto } from "@/lib/webhooks/schemas";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";

/** A mutation that refetches `key` once it succeeded. */
function useMutationThenRefetch<TVars, TResult>(key: readonly unknown[], mutationFn: (vars: TVars) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
}

export function useTokens() {
  return useQuery({ queryKey: queryKeys.tokens, queryFn: ({ signal }) => api<{ data: TokenDto[] }>("/api/v1/tokens", { signal }) });
}

export const useCreateToken = () => useMutationThenRefetch(queryKeys.tokens, (body: CreateTokenInput) => api<CreatedTokenDto>("/api/v1/tokens", { method: "POST", body }));

export function useServiceAccounts() {
  return useQuery({ queryKey: queryKeys.serviceAccounts, queryFn: ({ signal }) => api<{ data: ServiceAccountDto[] }>("/api/v1/service-accounts", { signal }) });
}

export const useCreateServiceAccount = () =>
  useMutationThenRefetch(queryKeys.serviceAccounts, (body: CreateServiceAccountInput) => api<ServiceAccountDto>("/api/v1/service-accounts", { method: "POST", body }));

/** Edits or (de)activates a service account; the token list (its owner names) refetches too. */
export function useUpdateServiceAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateServiceAccountInput & { id: string }) => api<ServiceAccountDto>(`/api/v1/service-accounts/${encodeURIComponent(id)}`, { method: "PATCH", body }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: queryKeys.serviceAccounts }), qc.invalidateQueries({ queryKey: queryKeys.tokens })]),
  });
}

export const useRevokeToken = () => useMutationThenRefetch(queryKeys.tokens, (id: string) => api<TokenDto>(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }));

export function useSecrets() {
  return useQuery({ queryKey: queryKeys.secrets, queryFn: ({ signal }) => api<SecretList>("/api/v1/secrets", { signal }) });
}

const secretPath = (name: string) => `/api/v1/secrets/${encodeURIComponent(name)}`;

export const useCreateSecret = () => useMutationThenRefetch(queryKeys.secrets, (body: CreateSecretInput) => api<SecretDto>("/api/v1/secrets", { method: "POST", body }));

export const useRotateSecret = () =>
  useMutationThenRefetch(queryKeys.secrets, ({ name, ...body }: RotateSecretInput & { name: string }) => api<SecretDto>(secretPath(name), { method: "PUT", body }));

export const useDeleteSecret = () => useMutationThenRefetch(queryKeys.secrets, (name: string) => api(secretPath(name), { method: "DELETE" }));

export function useWebhooks() {
  return useQuery({ queryKey: queryKeys.webhooks, queryFn: ({ signal }) => api<{ data: WebhookDto[] }>("/api/v1/webhooks", { signal }) });
}

export const useCreateWebhook = () => useMutationThenRefetch(queryKeys.webhooks, (body: CreateWebhookInput) => api<WebhookWithSecretDto>("/api/v1/webhooks", { method: "POST", body }));

export type WebhookAction = "toggle" | "rotate" | "test" | "delete";

/** Test, enable/disable, rotate the secret or delete one endpoint; the list and its log refetch. */
export function useWebhookAction(endpoint: WebhookDto) {
  const path = `/api/v1/webhooks/${endpoint.id}`;
  return useMutationThenRefetch(queryKeys.webhooks, (what: WebhookAction): Promise<unknown> => {
    if (what === "test") return api(`${path}/test`, { method: "POST" });
    if (what === "delete") return api(path, { method: "DELETE" });
    return api<WebhookDto | WebhookWithSecretDto>(path, { method: "PATCH", body: what === "toggle" ? { active: !endpoint.active } : { rotateSecret: true } });
  });
}

export function useDeliveries(endpointId: string) {
  return useQuery({
    queryKey: queryKeys.deliveries(endpointId),
    queryFn: ({ signal }) => api<DeliveryPage>(`/api/v1/webhooks/${endpointId}/deliveries?limit=25`, { signal }),
    // Deliveries change in the worker, not through this page: poll while the log is open.
    refetchInterval: 5_000,
  });
}

export const useRedeliver = () =>
  useMutationThenRefetch(queryKeys.webhooks, (d: { endpointId: string; id: string }) => api(`/api/v1/webhooks/${d.endpointId}/deliveries/${d.id}/redeliver`, { method: "POST" }));

/** The directory as administrators page through it: filters, then "Load more" along the cursor. */
export function useDirectory(filters: Record<string, string>) {
  return useInfiniteQuery({
    queryKey: queryKeys.directory(filters),
    initialPageParam: "",
    queryFn: ({ signal, pageParam }) => {
      const qs = new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), limit: "50", ...(pageParam ? { cursor: pageParam } : {}) });
      return api<UserList>(`/api/v1/users?${qs}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useGroups() {
  return useQuery({ queryKey: queryKeys.groups, queryFn: ({ signal }) => api<{ data: GroupDto[] }>("/api/v1/groups", { signal }) });
}

const userPath = (id: string) => `/api/v1/users/${encodeURIComponent(id)}`;

export const useUpdateUser = () =>
  useMutationThenRefetch(queryKeys.people, ({ id, ...body }: UserPatch & { id: string }) => api<UserDto>(userPath(id), { method: "PATCH", body }));

export const useDeactivateUser = () =>
  useMutationThenRefetch(queryKeys.people, ({ id, ...body }: DeactivateInput & { id: string }) => api<DeactivationDto>(`${userPath(id)}/deactivate`, { method: "POST", body }));

export const useReactivateUser = () => useMutationThenRefetch(queryKeys.people, (id: string) => api<UserDto>(`${userPath(id)}/reactivate`, { method: "POST", body: {} }));

export const useInvitePerson = () => useMutationThenRefetch(queryKeys.people, (body: InviteInput) => api<InvitationResult>("/api/v1/invitations", { method: "POST", body }));
export const useResendInvitation = () => useMutationThenRefetch(queryKeys.people, (id: string) => api<InvitationResult>(`${userPath(id)}/invitation`, { method: "POST" }));
export const useRevokeInvitation = () => useMutationThenRefetch(queryKeys.people, (id: string) => api<UserDto>(`${userPath(id)}/invitation`, { method: "DELETE" }));

// ── groups (/admin/groups) ─────────────────────────────────────────────────────────────────────

const groupPath = (key: string) => `/api/v1/groups/${encodeURIComponent(key)}`;

/** Groups as the administration pages through them: search, status, then "Load more". */
export function useGroupPages(filters: { q: string; status: string }) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.groups, "pages", filters] as const,
    initialPageParam: "",
    queryFn: ({ signal, pageParam }) => {
      const qs = new URLSearchParams({ ...(filters.q ? { q: filters.q } : {}), status: filters.status, limit: "50", ...(pageParam ? { cursor: pageParam } : {}) });
      return api<GroupPage>(`/api/v1/groups?${qs}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useGroup(key: string) {
  return useQuery({ queryKey: [...queryKeys.groups, "one", key] as const, queryFn: ({ signal }) => api<GroupDetail>(groupPath(key), { signal }) });
}

export function useGroupMembers(key: string, q: string) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.groups, "members", key, q] as const,
    initialPageParam: "",
    queryFn: ({ signal, pageParam }) => {
      const qs = new URLSearchParams({ ...(q ? { q } : {}), limit: "50", ...(pageParam ? { cursor: pageParam } : {}) });
      return api<GroupMembersPage>(`${groupPath(key)}/members?${qs}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

// A group's change refetches every group query (lists, pickers, the page) and the directory (its groups column).
function useGroupMutation<TVars, TResult>(mutationFn: (vars: TVars) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: queryKeys.groups }), qc.invalidateQueries({ queryKey: queryKeys.people })]),
  });
}

export const useCreateGroup = () => useGroupMutation((body: GroupCreate) => api<GroupDetail>("/api/v1/groups", { method: "POST", body }));
export const useUpdateGroup = (key: string) => useGroupMutation((body: GroupPatch) => api<GroupDetail>(groupPath(key), { method: "PATCH", body }));
export const useArchiveGroup = (key: string) =>
  useGroupMutation((archive: boolean) => api<GroupDetail>(`${groupPath(key)}/archive`, archive ? { method: "POST", body: {} } : { method: "DELETE" }));
export const useAddMembers = (key: string) => useGroupMutation((people: string[]) => api<GroupDetail>(`${groupPath(key)}/members`, { method: "POST", body: { people } }));
export const useRemoveMember = (key: string) => useGroupMutation((userId: string) => api<GroupDetail>(`${groupPath(key)}/members/${encodeURIComponent(userId)}`, { method: "DELETE" }));

export function useCalendar(key: string) {
  return useQuery({ queryKey: [...queryKeys.groups, "calendar", key] as const, queryFn: ({ signal }) => api<CalendarDto>(`${groupPath(key)}/calendar`, { signal }) });
}
export const useSetCalendar = (key: string) => useGroupMutation((body: CalendarInput) => api<CalendarDto>(`${groupPath(key)}/calendar`, { method: "PUT", body }));

/** People found by name or e-mail, for the pickers (a few at a time: the directory may hold thousands). */
export function usePersonSearch(q: string) {
  return useQuery({
    queryKey: [...queryKeys.people, "search", q] as const,
    queryFn: ({ signal }) => api<UserList>(`/api/v1/users?${new URLSearchParams({ q, limit: "8" })}`, { signal }),
    enabled: q.length > 0,
    staleTime: 30_000,
  });
}

// ── org chart (/org-chart) ─────────────────────────────────────────────────────────────────────

/** One level of the chart (a manager's reports; "" the top), or a search: pages along the cursor. */
export function useOrgChart(params: { manager?: string; q?: string }, enabled = true) {
  return useInfiniteQuery({
    queryKey: ["org-chart", params] as const,
    initialPageParam: "",
    queryFn: ({ signal, pageParam }) => {
      const qs = new URLSearchParams({ ...(params.manager ? { manager: params.manager } : {}), ...(params.q ? { q: params.q } : {}), limit: "50", ...(pageParam ? { cursor: pageParam } : {}) });
      return api<OrgChartPage>(`/api/v1/org-chart?${qs}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}
