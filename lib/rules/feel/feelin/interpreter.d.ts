export type WarningType = 'NO_VARIABLE_FOUND' | 'NO_CONTEXT_ENTRY_FOUND' | 'NO_PROPERTY_FOUND' | 'NOT_COMPARABLE' | 'INVALID_TYPE' | 'INVALID_ARGUMENTS' | 'NO_FUNCTION_FOUND' | 'FUNCTION_INVOCATION_FAILURE' | 'UNSUPPORTED';
export type SourceLocation = {
    from: number;
    to: number;
};
export type Warning = {
    type: WarningType;
    message: string;
    position: SourceLocation;
    details: {
        template: string;
        values: Record<string, unknown>;
    };
};
export type EvaluationResult<T> = {
    value: T;
    warnings: Warning[];
};
/**
 * Context passed to the interpreter as global variables.
 */
export type EvalContext = Record<string, unknown>;
export declare class SyntaxError extends Error {
    input: string;
    position: SourceLocation;
    constructor(message: string, details: {
        input: string;
        position: SourceLocation;
    });
}
export declare function unaryTest(expression: string, evalContext?: EvalContext, dialect?: string): EvaluationResult<boolean | null>;
export declare function evaluate(expression: string, evalContext?: EvalContext, dialect?: string): EvaluationResult<unknown>;
/** Baton: the execution tree of an expression or unary tests (ADR 054); run it with a context coerced by `coerceContext`. */
export declare function compile(expression: string, kind: 'expression' | 'unaryTests', evalContext?: EvalContext, dialect?: string): (context: EvalContext) => unknown;
/** Baton: JavaScript dates and Temporal values in a context as FEEL values (what evaluate does first). */
export declare function coerceContext(value: EvalContext): EvalContext;
