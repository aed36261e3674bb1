-- The people directory pages in (name, id) order with a keyset cursor: one index scan a page,
-- as fast at 10,000 people as at 10.
CREATE INDEX "User_name_id_idx" ON "User"("name", "id");
