"use client";

import { useRef, useState } from "react";
import { FileText, Paperclip, Upload } from "lucide-react";
import { formatBytes, type AttachmentDto } from "@/lib/attachments/schemas";
import { Button } from "@/components/ui/button";
import { useTaskAttachments, useUploadAttachment } from "./case-queries";
import { SubHeading } from "@/components/ui/heading-level";

// The case's files: the source document previewed in place (images as images, PDFs in a
// sandboxed frame the server allows only Baton to embed), the others as downloads, and an upload.

function Preview({ file }: { file: AttachmentDto }) {
  const src = `${file.url}?inline=1`;
  if (file.contentType.startsWith("image/")) {
    // eslint-disable-next-line @next/next/no-img-element -- an authorised, audited API response, not a static asset
    return <img src={src} alt={`Preview of ${file.filename}`} className="max-h-[32rem] w-auto rounded border border-slate-200" data-testid="attachment-preview" />;
  }
  return <iframe src={src} title={`Preview of ${file.filename}`} className="h-[32rem] w-full rounded border border-slate-200" data-testid="attachment-preview" />;
}

export function AttachmentsPanel({ taskId, canUpload }: { taskId: string; canUpload: boolean }) {
  const { data, isPending, isError } = useTaskAttachments(taskId);
  const upload = useUploadAttachment(taskId);
  const input = useRef<HTMLInputElement>(null);
  const [shownId, setShownId] = useState<string | null>(null);
  const files = data?.data ?? [];
  const previewable = files.filter((f) => f.previewable);
  // The request's source document first, else the newest previewable file.
  const shown = previewable.find((f) => f.id === shownId) ?? previewable.find((f) => f.owner === "request") ?? previewable.at(-1) ?? null;

  return (
    <section aria-labelledby={`files-${taskId}`} className="mt-6">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <SubHeading id={`files-${taskId}`} className="text-sm font-semibold text-slate-900">
          Documents
        </SubHeading>
        {canUpload && (
          <>
            <input
              ref={input}
              type="file"
              className="sr-only"
              id={`upload-${taskId}`}
              aria-label="Attach a file"
              accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.txt,.csv,.md"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) upload.mutate(file, { onSuccess: (a) => setShownId(a.id) });
                e.target.value = "";
              }}
            />
            <Button variant="secondary" size="sm" onClick={() => input.current?.click()} disabled={upload.isPending}>
              <Upload aria-hidden className="size-4" /> {upload.isPending ? "Uploading…" : "Attach a file"}
            </Button>
          </>
        )}
      </div>
      {upload.isError && (
        <p role="status" className="mb-2 rounded bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="upload-error">
          {upload.error.message}
        </p>
      )}
      {isPending ? (
        <p className="text-sm text-slate-500">Loading documents…</p>
      ) : isError ? (
        <p className="text-sm text-red-700">Couldn&apos;t load the documents.</p>
      ) : files.length === 0 ? (
        <p className="text-sm text-slate-500">No documents yet.</p>
      ) : (
        <>
          <ul className="mb-3 space-y-1 text-sm" data-testid="attachment-list">
            {files.map((f) => (
              <li key={f.id} className="flex flex-wrap items-center gap-2">
                {f.previewable ? <FileText aria-hidden className="size-4 text-slate-500" /> : <Paperclip aria-hidden className="size-4 text-slate-500" />}
                {f.previewable ? (
                  <button type="button" className="text-indigo-700 underline underline-offset-2" aria-pressed={shown?.id === f.id} onClick={() => setShownId(f.id)}>
                    {f.filename}
                  </button>
                ) : (
                  <span>{f.filename}</span>
                )}
                <span className="text-xs text-slate-500">
                  {formatBytes(f.size)} · {f.owner === "request" ? "from the request" : f.owner === "comment" ? "on a comment" : f.uploadedBy}
                </span>
                <a href={f.url} className="text-xs text-slate-600 underline underline-offset-2">
                  Download<span className="sr-only"> {f.filename}</span>
                </a>
              </li>
            ))}
          </ul>
          {shown && <Preview file={shown} />}
        </>
      )}
    </section>
  );
}
