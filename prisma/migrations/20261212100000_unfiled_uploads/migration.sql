-- A start form's file is uploaded before its request exists (ADR 052): it hangs on nothing yet
-- but must have its uploader, who alone may read it until a request takes it over.
ALTER TABLE "Attachment" DROP CONSTRAINT "Attachment_owner_check";
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_owner_check" CHECK ("taskId" IS NOT NULL OR "instanceId" IS NOT NULL OR "uploadedById" IS NOT NULL);
