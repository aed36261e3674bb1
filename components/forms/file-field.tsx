"use client";

import { useState, type ReactNode } from "react";
import { FileText, X } from "lucide-react";
import { formatBytes, type AttachmentDto } from "@/lib/attachments/schemas";
import { FILE_KIND_EXTENSIONS, type FileKind, type FormField } from "@/lib/processes/forms";
import { Field } from "@/components/ui/field";

// A form's `file` field (ADR 052): the files are uploaded as they are chosen (to the task, or for
// a request being filled in), with progress; the field's value is their attachment ids. The server
// checks the ids again when the form is sent (whose uploads, which kinds).

/** Sends one file; reports progress as a fraction; resolves to the stored attachment. */
export type UploadFile = (file: File, onProgress: (fraction: number) => void) => Promise<AttachmentDto>;

/** POST a file as multipart (part `file`) with upload progress; the server's problem detail on failure. */
export function uploadTo(url: string): UploadFile {
  return (file, onProgress) =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("accept", "application/json");
      xhr.responseType = "json";
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        const body = (xhr.response ?? {}) as AttachmentDto & { detail?: string };
        if (xhr.status >= 200 && xhr.status < 300) resolve(body);
        else reject(new Error(body.detail ?? `The upload failed (${xhr.status}).`));
      };
      xhr.onerror = () => reject(new Error("The upload failed: check your connection and try again."));
      const form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
}

const KIND_LABELS: Record<FileKind, string> = { pdf: "PDF", image: "images", office: "Word, Excel or PowerPoint", text: "text or CSV" };

interface Uploading {
  key: string;
  name: string;
  progress: number;
}

export function FileField({
  field,
  label,
  value,
  error,
  onChange,
  upload,
}: {
  field: FormField;
  label: ReactNode;
  value: string[];
  error: string | null;
  onChange: (ids: string[]) => void;
  upload: UploadFile | undefined;
}) {
  const max = field.maxFiles ?? 1;
  // Names and sizes of the files chosen here (the value holds only their ids).
  const [known, setKnown] = useState<Record<string, AttachmentDto>>({});
  const [uploading, setUploading] = useState<Uploading[]>([]);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const kinds = field.accept ?? (Object.keys(FILE_KIND_EXTENSIONS) as FileKind[]);
  const accept = kinds.map((k) => FILE_KIND_EXTENSIONS[k]).join(",");
  const room = max - value.length - uploading.length;
  const hint = [field.help, `${kinds.map((k) => KIND_LABELS[k]).join(", ")}${max > 1 ? ` · up to ${max} files` : ""}`].filter(Boolean).join(" · ");

  async function choose(files: File[]) {
    setUploadError(null);
    if (!upload) return;
    if (files.length > room) setUploadError(max === 1 ? "One file only: remove the one you chose first." : `At most ${max} files: ${Math.max(room, 0)} more can be added.`);
    let ids = value;
    for (const file of files.slice(0, Math.max(room, 0))) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      setUploading((u) => [...u, { key, name: file.name, progress: 0 }]);
      try {
        const stored = await upload(file, (p) => setUploading((u) => u.map((x) => (x.key === key ? { ...x, progress: p } : x))));
        setKnown((k) => ({ ...k, [stored.id]: stored }));
        ids = [...ids, stored.id];
        onChange(ids);
      } catch (e) {
        setUploadError(`${file.name}: ${(e as Error).message}`);
      } finally {
        setUploading((u) => u.filter((x) => x.key !== key));
      }
    }
  }

  return (
    <div className="space-y-2" data-testid={`file-field-${field.id}`}>
      <Field label={label} hint={hint} error={uploadError ?? error}>
        {(control) => (
          <input
            {...control}
            type="file"
            name={field.id}
            accept={accept}
            multiple={max > 1}
            disabled={!upload || room <= 0}
            aria-required={field.required || undefined}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = "";
              void choose(files);
            }}
            className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 file:ring-1 file:ring-slate-300 file:ring-inset hover:file:bg-slate-50 disabled:text-slate-400"
          />
        )}
      </Field>
      {(value.length > 0 || uploading.length > 0) && (
        <ul className="space-y-1 text-sm" aria-label={`Files for ${field.label}`}>
          {value.map((id) => {
            const f = known[id];
            return (
              <li key={id} className="flex flex-wrap items-center gap-2">
                <FileText aria-hidden className="size-4 text-slate-500" />
                {f ? (
                  <a href={`${f.url}?inline=1`} target="_blank" rel="noreferrer" className="text-indigo-700 underline underline-offset-2">
                    {f.filename}
                  </a>
                ) : (
                  <span>Uploaded file</span>
                )}
                {f && <span className="text-xs text-slate-500">{formatBytes(f.size)}</span>}
                <button
                  type="button"
                  onClick={() => onChange(value.filter((x) => x !== id))}
                  className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                  aria-label={`Remove ${f?.filename ?? "the file"}`}
                >
                  <X aria-hidden className="size-3.5" /> Remove
                </button>
              </li>
            );
          })}
          {uploading.map((u) => (
            <li key={u.key} className="flex items-center gap-2 text-slate-600">
              <span className="truncate">{u.name}</span>
              <progress value={Math.round(u.progress * 100)} max={100} aria-label={`Uploading ${u.name}`} className="h-2 w-32" />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
