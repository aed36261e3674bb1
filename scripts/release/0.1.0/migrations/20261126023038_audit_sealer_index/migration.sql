-- CreateIndex
CREATE INDEX "AuditEntry_chainIndex_seq_idx" ON "AuditEntry"("chainIndex", "seq");
