// Decision forms and custom outcomes a task declares. Pure zod, no server imports: the same
// schema built by buildFormSchema validates the browser form and the decision on the server.

// The form machinery and the outcome declarations are shared with process start forms and human
// steps (lib/processes/forms.ts, ADR 039 and 052).
export {
  acceptedContentTypes,
  buildFormSchema,
  checkOutcomeFields,
  FILE_KIND_EXTENSIONS,
  fileAnswerErrors,
  fieldVisible,
  formDefinitionSchema,
  formErrors,
  formFieldSchema,
  formFileIds,
  formForOutcome,
  OUTCOME_STYLES,
  outcomeDefinitionSchema,
  outcomeListSchema,
  outcomeStyle,
  type FormField,
  type FormValues,
  type OutcomeDefinition,
  type OutcomeStyle,
} from "../processes/forms";
