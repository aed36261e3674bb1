-- Issue #23: a decision table belongs to the DMN model it was uploaded from (the model's namespace
-- and name), so a different model reusing a decision id is refused instead of becoming a new
-- version of another model's table; tables can be archived. Tables stored before this have no
-- recorded model: their next upload records it.
ALTER TABLE "DecisionTable" ADD COLUMN "modelNamespace" TEXT,
ADD COLUMN "modelName" TEXT,
ADD COLUMN "archivedAt" TIMESTAMP(3);
