// Baton: FEEL numbers as decimals (see the top of index.js).
import type Decimal from 'decimal.js';
/** The decimal.js constructor of FEEL numbers that have no JavaScript number (34 digits, half even). */
export declare const FeelDecimal: typeof Decimal;
/** A FEEL number: a JavaScript number (the decimal it prints as) or a FeelDecimal. */
export type FeelNumber = number | Decimal;
/** The canonical FEEL number of a JavaScript number, numeric string or decimal.js value; null when not a finite number. */
export declare function feelNumber(value: number | string | Decimal): FeelNumber | null;
export declare function isNumber(value: unknown): value is FeelNumber;
/** -1, 0 or 1. */
export declare function compareNumbers(a: FeelNumber, b: FeelNumber): number;
/** The nearest JavaScript number: how a decimal leaves the evaluator. */
export declare function toJsNumber(n: FeelNumber): number;
