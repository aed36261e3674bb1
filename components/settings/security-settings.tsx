"use client";

import { useState, type FormEvent } from "react";
import { KeyRound, ShieldCheck, TriangleAlert, Users } from "lucide-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ROLES, type RoleName } from "@/lib/identity/permissions";
import { confirmTotpSchema, type SignInPolicyDto, type SignInPolicyInput, type TotpConfirmedDto, type TotpEnrolmentDto, type TotpStatusDto } from "@/lib/account/schemas";
import { api, ApiError, formErrorsOf } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";

const TOTP = "/api/v1/me/totp";
const POLICY = "/api/v1/sign-in-policy";
const totpKey = ["me", "totp"] as const;
const ROLE_LABEL: Record<RoleName, string> = { ADMIN: "Admins", SUPERVISOR: "Supervisors", AUDITOR: "Auditors", MEMBER: "Members" };

/** Two-step sign-in (TOTP) for the signed-in person, and for admins the sign-in policy (ADR 037). */
export function SecuritySettings({ enrolRequired, canSetPolicy }: { enrolRequired: boolean; canSetPolicy: boolean }) {
  const status = useQuery({ queryKey: totpKey, queryFn: ({ signal }) => api<TotpStatusDto>(TOTP, { signal }) });
  return (
    <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-4 py-6 sm:px-6">
      <h1 className="text-xl font-semibold text-slate-900">Sign-in security</h1>
      <p className="mt-1 text-sm text-slate-600">Protect your account with a code from an authenticator app after your password.</p>
      {enrolRequired && !status.data?.enabled && (
        <p role="alert" data-testid="enrol-required" className="mt-4 flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          Your organisation requires two-step sign-in. Set it up below to continue to Baton.
        </p>
      )}
      <div className="mt-6 space-y-6">
        <section aria-labelledby="two-step" className="rounded-xl bg-white p-5 shadow-xs ring-1 ring-slate-200 sm:p-6">
          <h2 id="two-step" className="flex items-center gap-2 text-base font-semibold text-slate-900">
            <ShieldCheck aria-hidden className="size-4 text-slate-500" /> Two-step sign-in
          </h2>
          <div className="mt-4">
            {status.isPending && <Skeleton className="h-24" />}
            {status.isError && <LoadError what="your two-step sign-in" error={status.error} onRetry={() => status.refetch()} retrying={status.isFetching} />}
            {status.data && <TwoStep status={status.data} enrolRequired={enrolRequired} />}
          </div>
        </section>
        {canSetPolicy && <PolicySection />}
      </div>
    </main>
  );
}

function TwoStep({ status, enrolRequired }: { status: TotpStatusDto; enrolRequired: boolean }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  // Set up because the policy required it: the rest of Baton opens now. A full load, not router.push: the
  // shared layout (the enrolment-only header) is rendered again only by a new document.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  if (codes) return <RecoveryCodes codes={codes} onDone={enrolRequired ? () => window.location.assign("/inbox") : () => setCodes(null)} doneLabel={enrolRequired ? "I've saved them: continue to Baton" : "I've saved them"} />;
  if (!status.passwordSignIn) return <p className="text-sm text-slate-600">You sign in with single sign-on: your identity provider asks for your second factor.</p>;
  if (status.enabled)
    return (
      <div className="space-y-4">
        <p data-testid="totp-on" className="text-sm text-slate-700">
          <strong className="font-medium text-emerald-800">On</strong> since {new Date(status.enabledAt!).toLocaleDateString()}. {status.recoveryCodesLeft} of 10 recovery codes left.
        </p>
        <DisableForm required={status.required} />
      </div>
    );
  return <Enrol onCodes={setCodes} />;
}

function Enrol({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<Partial<Record<"code" | "form", string>>>({});
  const start = useMutation({ mutationFn: () => api<TotpEnrolmentDto>(TOTP, { method: "POST" }), onError: (e) => setErrors(formErrorsOf(e)) });
  const confirm = useMutation({
    mutationFn: (body: { code: string }) => api<TotpConfirmedDto>(`${TOTP}/confirm`, { method: "POST", body }),
    onSuccess: (dto) => {
      void qc.invalidateQueries({ queryKey: totpKey });
      announce("Two-step sign-in is on. Save your recovery codes.");
      onCodes(dto.recoveryCodes);
    },
    onError: (e) => setErrors(formErrorsOf(e)),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = confirmTotpSchema.safeParse({ code });
    if (!parsed.success) return setErrors(issuesToErrors(parsed.error.issues));
    setErrors({});
    confirm.mutate(parsed.data);
  }
  if (!start.data)
    return (
      <div className="space-y-3">
        <p className="text-sm text-slate-600">Off. With it on, signing in with your password also asks for a 6-digit code from an app such as Google Authenticator, 1Password or Microsoft Authenticator.</p>
        <FormError error={errors.form} />
        <Button variant="primary" loading={start.isPending} onClick={() => start.mutate()}>
          Set up two-step sign-in
        </Button>
      </div>
    );
  const enrolment = start.data;
  return (
    <form onSubmit={submit} noValidate aria-label="Confirm two-step sign-in" className="grid gap-5 sm:grid-cols-[auto_1fr]">
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server, nothing to optimise */}
      <img src={enrolment.qrCode} alt="QR code to scan with your authenticator app" width={176} height={176} className="size-44 rounded-md ring-1 ring-slate-200" />
      <div className="space-y-3">
        <p className="text-sm text-slate-700">1. Scan the QR code with your authenticator app.</p>
        <p className="text-sm text-slate-700">
          Can&apos;t scan? Enter this key:{" "}
          <code data-testid="totp-secret" data-otpauth={enrolment.otpauthUri} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs break-all text-slate-900">
            {enrolment.secret}
          </code>
        </p>
        <p className="text-sm text-slate-700">2. Enter the code the app shows.</p>
        <Input label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} error={errors.code} />
        <FormError error={errors.form} />
        <Button type="submit" variant="primary" loading={confirm.isPending}>
          Turn on
        </Button>
      </div>
    </form>
  );
}

function RecoveryCodes({ codes, onDone, doneLabel }: { codes: string[]; onDone: () => void; doneLabel: string }) {
  return (
    <section aria-labelledby="recovery-title" tabIndex={-1} ref={(el) => el?.focus()} className="rounded-xl bg-amber-50 p-4 ring-1 ring-amber-300">
      <h3 id="recovery-title" className="flex items-center gap-2 text-sm font-semibold text-amber-950">
        <KeyRound aria-hidden className="size-4" /> Your recovery codes: shown this once
      </h3>
      <p className="mt-1 text-sm text-amber-900">Each works once instead of a code from your app, if you lose your phone. Keep them somewhere safe, such as a password manager.</p>
      <ol data-testid="recovery-codes" className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 rounded-md bg-white p-3 font-mono text-sm text-slate-900 ring-1 ring-amber-200">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div className="mt-3 flex gap-2">
        <Button onClick={() => void navigator.clipboard?.writeText(codes.join("\n")).catch(() => undefined)}>Copy all</Button>
        <Button variant="ghost" onClick={onDone}>
          {doneLabel}
        </Button>
      </div>
    </section>
  );
}

function DisableForm({ required }: { required: boolean }) {
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<Partial<Record<"password" | "code" | "form", string>>>({});
  const disable = useMutation({
    mutationFn: () => api<TotpStatusDto>(`${TOTP}/disable`, { method: "POST", body: { password, code } }),
    onSuccess: (dto) => {
      qc.setQueryData(totpKey, dto);
      announce("Two-step sign-in is off.");
    },
    onError: (e) => {
      setErrors(formErrorsOf(e));
      setCode("");
    },
  });
  return (
    <form
      noValidate
      aria-label="Turn off two-step sign-in"
      className="grid gap-3 border-t border-slate-100 pt-4 sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
        disable.mutate();
      }}
    >
      <p className="text-sm text-slate-600 sm:col-span-2">
        To turn it off, confirm with your password and a code.{required ? " Your organisation requires it: until you set it up again, Baton opens only this page." : ""}
      </p>
      <Input label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
      <Input label="Code or recovery code" name="disable-code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} error={errors.code} />
      <FormError error={errors.form} className="sm:col-span-2" />
      <div className="sm:col-span-2">
        <Button type="submit" variant="danger" loading={disable.isPending}>
          Turn off two-step sign-in
        </Button>
      </div>
    </form>
  );
}

function PolicySection() {
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const policy = useQuery({ queryKey: ["sign-in-policy"], queryFn: ({ signal }) => api<SignInPolicyDto>(POLICY, { signal }) });
  const [draft, setDraft] = useState<RoleName[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The server's 409 CONFIRMATION_REQUIRED: the change covers me and I have no second factor (ADR 053).
  const [confirming, setConfirming] = useState<{ withoutSecondFactor: number } | null>(null);
  const save = useMutation({
    mutationFn: (body: SignInPolicyInput) => api<SignInPolicyDto>(POLICY, { method: "PUT", body }),
    onSuccess: (dto) => {
      qc.setQueryData(["sign-in-policy"], dto);
      void qc.invalidateQueries({ queryKey: totpKey });
      setDraft(null);
      announce("Sign-in policy saved.");
      // My own session is fenced from now on: the page load takes me to the set-up.
      if (dto.enrolmentRequired && dto.enrolAt) window.location.assign(dto.enrolAt);
    },
  });
  const roles = draft ?? policy.data?.mfaRequiredRoles ?? [];
  const toggle = (r: RoleName, on: boolean) => setDraft(on ? [...roles, r] : roles.filter((x) => x !== r));
  const pending = policy.data?.withoutSecondFactor ?? 0;
  return (
    <section aria-labelledby="policy" className="rounded-xl bg-white p-5 shadow-xs ring-1 ring-slate-200 sm:p-6">
      <h2 id="policy" className="flex items-center gap-2 text-base font-semibold text-slate-900">
        <Users aria-hidden className="size-4 text-slate-500" /> Require two-step sign-in
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        People in the chosen roles who sign in with a password must use a second factor; those without one are sent to set it up. People who sign in with single
        sign-on are asked by your identity provider instead.
      </p>
      {policy.isPending && <Skeleton className="mt-4 h-16" />}
      {policy.isError && <LoadError what="the sign-in policy" error={policy.error} onRetry={() => policy.refetch()} retrying={policy.isFetching} />}
      {policy.data && (
        <form
          className="mt-4 space-y-3"
          aria-label="Sign-in policy"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            save.mutate(
              { mfaRequiredRoles: roles },
              {
                onError: (err) => {
                  if (err instanceof ApiError && err.code === "CONFIRMATION_REQUIRED") {
                    setConfirming({ withoutSecondFactor: Number(err.problem.withoutSecondFactor ?? 0) });
                  } else setError(formErrorsOf(err).form ?? "Not saved.");
                },
              },
            );
          }}
        >
          <fieldset className="flex flex-wrap gap-x-5 gap-y-2">
            <legend className="sr-only">Roles that must use two-step sign-in</legend>
            {ROLES.map((r) => (
              <label key={r} className="flex items-center gap-2 text-sm text-slate-700">
                <input type="checkbox" name="role" value={r} checked={roles.includes(r)} onChange={(e) => toggle(r, e.target.checked)} className="size-4 rounded border-slate-300 accent-indigo-600" />
                {ROLE_LABEL[r]}
              </label>
            ))}
          </fieldset>
          {draft === null && policy.data.mfaRequiredRoles.length > 0 && (
            <p className="text-sm text-slate-600" data-testid="policy-pending">
              {pending === 0 ? "Everyone it covers has a second factor." : `${pending} ${pending === 1 ? "person it covers has" : "people it covers have"} no second factor yet and will be asked to set one up.`}
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            <Button type="button" size="sm" variant="secondary" onClick={() => setDraft([...ROLES])}>
              Everyone
            </Button>
            <Button type="submit" size="sm" variant="primary" loading={save.isPending && !confirming} disabled={draft === null}>
              Save policy
            </Button>
          </div>
          <FormError error={error} />
        </form>
      )}
      <ConfirmDialog
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        title="Require two-step sign-in of yourself?"
        consequence={
          <>
            You have no second factor yet. As soon as the policy is saved you will be taken to set one up with an authenticator app, and Baton shows you nothing else
            until you have.
            {confirming && confirming.withoutSecondFactor > 1 && ` ${confirming.withoutSecondFactor - 1} other ${confirming.withoutSecondFactor === 2 ? "person is" : "people are"} in the same position.`}
          </>
        }
        confirmLabel="Save and set mine up"
        variant="primary"
        onConfirm={() => save.mutateAsync({ mfaRequiredRoles: roles, confirm: true })}
      />
    </section>
  );
}
