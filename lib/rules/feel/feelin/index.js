/*
 * feelin 8.2.0 (https://github.com/nikku/feelin, MIT licence: see LICENSE beside this file),
 * vendored by Baton. Every changed place is marked "Baton:". The changes:
 * - FEEL numbers are decimals (DMN 1.5 §10.3.2.3: IEEE 754-2008 Decimal128, 34 significant
 *   digits, round half even), kept as decimals between operations (ADR 046): a JavaScript number
 *   where one denotes the value exactly, a FeelDecimal (decimal.js) otherwise; arithmetic,
 *   comparisons, equality, ranges and the number built-ins take both.
 * - durations scale by numbers and divide by durations; every range function of §10.3.4.7;
 *   negative and long years in dates; the `x` flag of matches and replace.
 * Tests: lib/rules/feel/feelin.test.ts, and the DMN TCK (npm run tck).
 */
import { Temporal } from 'temporal-polyfill';
import Decimal from 'decimal.js';
import { normalizeContextKey, parser, trackVariables } from 'lezer-feel';
import { has as has$1 } from 'min-dash';

// Baton: FEEL numbers are decimals (DMN 1.5 §10.3.2.3: IEEE 754-2008 Decimal128, 34 significant
// digits, round half even). A FEEL number is held in one of two forms, and the form is canonical:
// - a JavaScript number, standing for the decimal it prints as (`String(n)`, the shortest
//   round-trip form: 0.1 is the decimal 0.1). Every decimal of up to 15 significant digits, and
//   every JSON number, has this form; arithmetic on it takes fast paths where doubles are exact
//   (safe integers) and comparisons of two such numbers are exact (the shortest form is monotonic);
// - a FeelDecimal (decimal.js, 34 digits) when the decimal value has no such number: 1 / 3 is
//   0.3333333333333333333333333333333333, kept as is for the next operation.
// `feelNumber` picks the form; `isNumber` accepts both; `toJsNumber` leaves the evaluator.
const FeelDecimal = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -7, toExpPos: 21, minE: -6176, maxE: 6144 });
/** The canonical FEEL number of a decimal.js value (or null when it is not finite). */
function decimalResult(d) {
    if (!d.isFinite()) {
        return null;
    }
    if (d.isZero()) {
        return 0;
    }
    if (!(d instanceof FeelDecimal)) {
        d = new FeelDecimal(d);
    }
    const n = d.toNumber();
    if (!Number.isFinite(n) || n === 0) {
        return d;
    }
    // up to 15 significant digits every decimal survives the trip through a double
    if (d.sd() <= 15 && d.e < 300 && d.e > -300) {
        return n;
    }
    return new FeelDecimal(n).eq(d) ? n : d;
}
/** A FEEL number from a JavaScript number, a numeric string or a decimal.js value; null if not a finite number. */
function feelNumber(value) {
    if (typeof value === 'number') {
        return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    }
    if (value instanceof FeelDecimal) {
        return value;
    }
    try {
        return decimalResult(new FeelDecimal(value));
    }
    catch (_a) {
        return null;
    }
}
function toDecimal(n) {
    return n instanceof FeelDecimal ? n : new FeelDecimal(n);
}
/** The nearest JavaScript number to a FEEL number (how a decimal leaves the evaluator). */
function toJsNumber(n) {
    return n instanceof FeelDecimal ? n.toNumber() : n;
}
function decimalOp(a, b, op) {
    return decimalResult(op(toDecimal(a), toDecimal(b)));
}
/** -1, 0 or 1: the order of two FEEL numbers. */
function compareNumbers(a, b) {
    if (typeof a === 'number' && typeof b === 'number') {
        return a < b ? -1 : a > b ? 1 : 0;
    }
    return toDecimal(a).cmp(toDecimal(b));
}
function numbersEqual(a, b) {
    if (typeof a === 'number' && typeof b === 'number') {
        return a === b;
    }
    // the forms are canonical: a number and a FeelDecimal are never equal
    return a instanceof FeelDecimal && b instanceof FeelDecimal && a.eq(b);
}
function addNumbers(a, b) {
    if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
        const r = a + b;
        if (Number.isSafeInteger(r)) {
            return r;
        }
    }
    return decimalOp(a, b, (x, y) => x.plus(y));
}
function subtractNumbers(a, b) {
    if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
        const r = a - b;
        if (Number.isSafeInteger(r)) {
            return r === 0 ? 0 : r;
        }
    }
    return decimalOp(a, b, (x, y) => x.minus(y));
}
function multiplyNumbers(a, b) {
    if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
        const r = a * b;
        if (Number.isSafeInteger(r)) {
            return r === 0 ? 0 : r;
        }
    }
    return decimalOp(a, b, (x, y) => x.times(y));
}
function divideNumbers(a, b) {
    if (b === 0) {
        return null;
    }
    if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b) && a % b === 0) {
        const r = a / b;
        return r === 0 ? 0 : r;
    }
    return decimalOp(a, b, (x, y) => x.div(y));
}
function isIntegerNumber(n) {
    return typeof n === 'number' ? Number.isInteger(n) : n instanceof FeelDecimal && n.isInteger();
}
// Baton: n rounded to `scale` decimal places with a decimal.js rounding mode.
function roundScaled(n, scale, rounding) {
    scale = toJsNumber(scale);
    if (!Number.isInteger(scale) || Math.abs(scale) > 6176) {
        return null;
    }
    if (scale >= 0) {
        return decimalResult(toDecimal(n).toDecimalPlaces(scale, rounding));
    }
    const factor = new FeelDecimal(10).pow(-scale);
    return decimalResult(toDecimal(n).div(factor).toDecimalPlaces(0, rounding).times(factor));
}

function notImplemented(thing) {
    return new Error(`not implemented: ${thing}`);
}
function isNotImplemented(err) {
    return /^not implemented/.test(err.message);
}
/**
 * Whether `context` exposes `name` to FEEL: an own property, or a
 * prototype getter (read-only view).
 *
 * @param {Record<string, any>} context
 * @param {string} name
 *
 * @return {boolean}
 */
function has(context, name) {
    if (Object.prototype.hasOwnProperty.call(context, name)) {
        return true;
    }
    // walk the prototype chain, stopping before `Object.prototype`
    // (its `__proto__` accessor must not become visible)
    for (let proto = Object.getPrototypeOf(context); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        const descriptor = Object.getOwnPropertyDescriptor(proto, name);
        if (descriptor) {
            return typeof descriptor.get === 'function';
        }
    }
    return false;
}
/**
 * Returns a name from context or undefined if it does not exist.
 *
 * @param {string} name
 * @param {Record<string, any>} context
 *
 * @return {any|undefined}
 */
const NON_CONTEXT_TYPES = new Set(['nil', 'boolean', 'number', 'string']);
function getFromContext(name, context) {
    if (NON_CONTEXT_TYPES.has(getType(context))) {
        return undefined;
    }
    // fast path: exact own entry, no normalization needed
    if (has(context, name)) {
        return context[name];
    }
    const normalizedName = normalizeContextKey(name);
    if (has(context, normalizedName)) {
        return context[normalizedName];
    }
    const entry = Object.entries(context).find(([key]) => normalizedName === normalizeContextKey(key));
    if (entry) {
        return entry[1];
    }
    return undefined;
}

/**
 * This module is the single place in the code base that talks to the
 * underlying temporal implementation ({@link Temporal}, provided by
 * `temporal-polyfill`).
 *
 * FEEL temporal values are represented by the wrapper classes
 * {@link FeelDate}, {@link FeelTime}, {@link FeelDateTime} and
 * {@link FeelDuration}. Consumers of the library interact with these
 * wrappers (via `toString()`, component getters and `unwrap()`) rather
 * than with raw `Temporal` objects. This keeps the temporal
 * implementation a swappable internal detail.
 */
/**
 * A fixed reference date used to anchor zoned times and to compute
 * duration totals that require a `relativeTo` (years / months).
 */
const REFERENCE_DATE = Temporal.PlainDate.from('1970-01-01');
// wrapper classes ///////////////////////////////////////////////////
/**
 * A FEEL <date> (e.g. `2020-04-06`).
 */
class FeelDate {
    constructor(value) {
        this.value = value;
        // Baton: FEEL's spelling of years beyond 0000–9999
        this.iso = feelYear(this.value.toString());
        // the raw Temporal value is an implementation detail; keep it
        // non-enumerable so structural equality and serialization rely on
        // the canonical `iso` string rather than the underlying value
        Object.defineProperty(this, 'value', { enumerable: false });
    }
    get year() { return this.value.year; }
    get month() { return this.value.month; }
    get day() { return this.value.day; }
    get weekday() { return this.value.dayOfWeek; }
    /**
     * Return the underlying `Temporal.PlainDate`.
     *
     * Escape hatch for consumers that need the raw temporal value. The
     * returned type is implementation specific and may change.
     */
    unwrap() {
        return this.value;
    }
    toString() {
        return this.iso;
    }
    toJSON() {
        return this.iso;
    }
}
/**
 * A FEEL <time>, either local (e.g. `10:30:00`) or zoned
 * (e.g. `10:30:00Z`, `10:30:00+05:00`, `10:30:00@Europe/Paris`).
 */
class FeelTime {
    constructor(value, zone = null) {
        this.value = value;
        this.zone = zone;
        this.iso = this.value.toString() + (this.zone === null ? '' : zoneSuffix(this.zone));
        // the raw Temporal value is an implementation detail; keep it
        // non-enumerable so structural equality and serialization rely on
        // the canonical `iso` string rather than the underlying value
        Object.defineProperty(this, 'value', { enumerable: false });
    }
    get hour() { return this.value.hour; }
    get minute() { return this.value.minute; }
    get second() { return this.value.second; }
    get timezone() { return this.zone; }
    /**
     * The zone offset as a {@link FeelDuration}, or `null` for a local time.
     */
    get 'time offset'() {
        return this.zone === null ? null : zoneOffset(this);
    }
    /**
     * Return the underlying wall-clock `Temporal.PlainTime`.
     *
     * Escape hatch for consumers that need the raw temporal value. Zone
     * information is available via {@link timezone} / {@link 'time offset'}.
     */
    unwrap() {
        return this.value;
    }
    toString() {
        return this.iso;
    }
    toJSON() {
        return this.iso;
    }
}
/**
 * A FEEL <date and time>, either local (e.g. `2020-04-06T10:30:00`) or
 * zoned (e.g. `...Z`, `...+05:00`, `...@Europe/Paris`).
 */
class FeelDateTime {
    constructor(value, zone = null) {
        this.value = value;
        this.zone = zone;
        // Baton: FEEL's spelling of years beyond 0000–9999
        this.iso = feelYear(this.value.toString()) + (this.zone === null ? '' : zoneSuffix(this.zone));
        // the raw Temporal value is an implementation detail; keep it
        // non-enumerable so structural equality and serialization rely on
        // the canonical `iso` string rather than the underlying value
        Object.defineProperty(this, 'value', { enumerable: false });
    }
    get year() { return this.value.year; }
    get month() { return this.value.month; }
    get day() { return this.value.day; }
    get hour() { return this.value.hour; }
    get minute() { return this.value.minute; }
    get second() { return this.value.second; }
    get weekday() { return this.value.dayOfWeek; }
    get timezone() { return this.zone; }
    get 'time offset'() {
        return this.zone === null ? null : zoneOffset(this);
    }
    /**
     * Return the underlying wall-clock `Temporal.PlainDateTime`.
     *
     * Escape hatch for consumers that need the raw temporal value. Zone
     * information is available via {@link timezone} / {@link 'time offset'}.
     */
    unwrap() {
        return this.value;
    }
    toString() {
        return this.iso;
    }
    toJSON() {
        return this.iso;
    }
}
/**
 * A FEEL <duration>, both `years and months` and `days and time`
 * durations (e.g. `P1Y2M`, `P2DT3H`).
 */
class FeelDuration {
    constructor(value, yearsMonths) {
        this.value = normalize(value);
        this.yearsMonths = yearsMonths !== null && yearsMonths !== void 0 ? yearsMonths : isYearsMonths(this.value);
        // a zero years and months duration would otherwise stringify as
        // `PT0S`, dropping its category
        this.iso = this.yearsMonths && this.value.sign === 0
            ? 'P0M'
            : this.value.toString();
        // the raw Temporal value is an implementation detail; keep it
        // non-enumerable so structural equality and serialization rely on
        // the category-aware `iso` string rather than the underlying
        // duration, whose years / months totals require a `relativeTo`
        // anchor and are not deep-comparable
        Object.defineProperty(this, 'value', { enumerable: false });
    }
    get years() { return this.yearsMonths ? this.value.years : null; }
    get months() { return this.yearsMonths ? this.value.months : null; }
    get days() { return this.yearsMonths ? null : this.value.days; }
    get hours() { return this.yearsMonths ? null : this.value.hours; }
    get minutes() { return this.yearsMonths ? null : this.value.minutes; }
    get seconds() { return this.yearsMonths ? null : this.value.seconds; }
    /**
     * Return the underlying `Temporal.Duration`.
     *
     * Escape hatch for consumers that need the raw temporal value. The
     * returned type is implementation specific and may change.
     */
    unwrap() {
        return this.value;
    }
    toString() {
        return this.iso;
    }
    toJSON() {
        return this.iso;
    }
}
// type guards ///////////////////////////////////////////////////////
function isDate(obj) {
    return obj instanceof FeelDate;
}
function isTime(obj) {
    return obj instanceof FeelTime;
}
function isDateTime(obj) {
    return obj instanceof FeelDateTime;
}
function isDuration(obj) {
    return obj instanceof FeelDuration;
}
/**
 * Whether the value is any temporal instant (date, time or date time),
 * i.e. anything but a duration.
 */
function isTemporal(obj) {
    return isDate(obj) || isTime(obj) || isDateTime(obj);
}
/**
 * Whether the temporal value carries a time zone.
 */
function isZoned(obj) {
    return (isTime(obj) || isDateTime(obj)) && obj.zone !== null;
}
// zone helpers //////////////////////////////////////////////////////
const Z_SUFFIX_PATTERN = /z$/i;
const OFFSET_SUFFIX_PATTERN = /[+-]\d{2}:\d{2}(:\d{2})?$/;
const OFFSET_ZONE_PATTERN = /^[+-]\d{2}:\d{2}(:\d{2})?$/;
const OFFSET_SECONDS_PATTERN = /^([+-])(\d{2}):(\d{2}):(\d{2})$/;
const FIXED_OFFSET_PATTERN = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/;
const YEARS_MONTHS_PATTERN = /[YM]/;
const LEAP_SECOND_PATTERN = /^\d{2}:\d{2}:60/;
/**
 * Split a trailing time zone indicator off an ISO date / time string.
 *
 * Recognizes `Z`, numeric offsets (`+HH:MM`) and named zones (`@Zone`).
 * Returns the time zone as a Temporal time zone identifier
 * (`Z` becomes `UTC`).
 */
function splitZone(str) {
    const atIndex = str.indexOf('@');
    if (atIndex !== -1) {
        return {
            value: str.substring(0, atIndex),
            zone: str.substring(atIndex + 1)
        };
    }
    if (Z_SUFFIX_PATTERN.test(str)) {
        return {
            value: str.substring(0, str.length - 1),
            zone: 'UTC'
        };
    }
    const offsetMatch = OFFSET_SUFFIX_PATTERN.exec(str);
    if (offsetMatch) {
        return {
            value: str.substring(0, offsetMatch.index),
            zone: offsetMatch[0]
        };
    }
    return {
        value: str,
        zone: null
    };
}
/**
 * Return the FEEL time zone suffix for a time zone identifier, e.g.
 * `Z`, `+05:00` or `@Europe/Paris`.
 */
function zoneSuffix(zone) {
    if (zone === 'UTC') {
        return 'Z';
    }
    if (OFFSET_ZONE_PATTERN.test(zone)) {
        return zone;
    }
    return `@${zone}`;
}
/**
 * The offset, in seconds, of a fixed numeric offset zone
 * (`+HH:MM` or `+HH:MM:SS`). Returns `null` for named zones (including
 * `UTC`), which are resolved through Temporal instead.
 *
 * Temporal itself only accepts offset zones to minute precision, so
 * sub-minute offsets are handled through this manual path.
 */
function offsetZoneSeconds(zone) {
    if (zone === null) {
        return null;
    }
    const match = OFFSET_SECONDS_PATTERN.exec(zone);
    if (!match) {
        return null;
    }
    const sign = match[1] === '-' ? -1 : 1;
    return sign * (Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]));
}
/**
 * The offset, in seconds, of a fixed offset zone (`Z` / `UTC`,
 * `+HH:MM` or `+HH:MM:SS`). Returns `null` for named (IANA) zones.
 */
function fixedOffsetSeconds(zone) {
    var _a;
    if (zone === 'UTC') {
        return 0;
    }
    const match = FIXED_OFFSET_PATTERN.exec(zone);
    if (!match) {
        return null;
    }
    const sign = match[1] === '-' ? -1 : 1;
    return sign * (Number(match[2]) * 3600 + Number(match[3]) * 60 + Number((_a = match[4]) !== null && _a !== void 0 ? _a : 0));
}
/**
 * Whether a zone identifier is usable: a known (IANA) zone or a fixed
 * offset within ±24h. Sub-minute offset zones are validated by range,
 * as Temporal rejects them.
 */
const zoneValidity = new Set();
function isValidZone(zone) {
    if (zone === null) {
        return true;
    }
    const offsetSeconds = offsetZoneSeconds(zone);
    if (offsetSeconds !== null) {
        return Math.abs(offsetSeconds) < 24 * 3600;
    }
    // cache positive results only: the set of valid zones is bounded in
    // practice, while arbitrary invalid strings must not grow the cache
    if (zoneValidity.has(zone)) {
        return true;
    }
    try {
        // throws for an unknown zone
        new Temporal.PlainDateTime(1970, 1, 1).toZonedDateTime(zone);
    }
    catch (_a) {
        return false;
    }
    zoneValidity.add(zone);
    return true;
}
/**
 * Whether two zone identifiers denote the same zone, for the purpose of
 * strict (`is`) equality: fixed offsets compare by offset (`Z` equals
 * `+00:00`), named zones only by identifier.
 */
function zoneEquals(a, b) {
    if (a === null || b === null) {
        return a === b;
    }
    const aOffset = fixedOffsetSeconds(a);
    const bOffset = fixedOffsetSeconds(b);
    if (aOffset !== null && bOffset !== null) {
        return aOffset === bOffset;
    }
    return a === b;
}
/**
 * Resolve a zoned temporal to a concrete `Temporal.ZonedDateTime`,
 * anchoring zoned times to {@link REFERENCE_DATE}.
 */
function zonedDateTime(temporal) {
    if (temporal instanceof FeelTime) {
        return REFERENCE_DATE.toZonedDateTime({
            plainTime: temporal.value,
            timeZone: temporal.zone
        });
    }
    return temporal.value.toZonedDateTime(temporal.zone);
}
/**
 * Return the zone offset of a zoned date time as a {@link FeelDuration}.
 */
function offsetDuration(zdt) {
    return new FeelDuration(Temporal.Duration.from({ nanoseconds: zdt.offsetNanoseconds }));
}
/**
 * Return the zone offset of a zoned temporal as a {@link FeelDuration}.
 *
 * Sub-minute numeric offsets are resolved directly (Temporal only
 * supports offset zones to minute precision); everything else is
 * resolved through {@link zonedDateTime}.
 */
function zoneOffset(temporal) {
    const seconds = offsetZoneSeconds(temporal.zone);
    if (seconds !== null) {
        return new FeelDuration(Temporal.Duration.from({ seconds }), false);
    }
    return offsetDuration(zonedDateTime(temporal));
}
// comparison ////////////////////////////////////////////////////////
/**
 * Convert a temporal value to a comparable number of milliseconds.
 *
 * Wall-clock (zone-less) values are anchored to UTC so they compare
 * consistently among themselves.
 */
function toComparable(value) {
    var _a;
    if (isDate(value)) {
        return value.value.toZonedDateTime('UTC').epochMilliseconds;
    }
    if (isTime(value) || isDateTime(value)) {
        const offsetSeconds = offsetZoneSeconds(value.zone);
        // sub-minute offset zone: interpret the wall clock at UTC, then
        // shift by the fixed offset (Temporal rejects such offset zones)
        if (offsetSeconds !== null) {
            const utcEpoch = (value instanceof FeelTime
                ? REFERENCE_DATE.toZonedDateTime({ plainTime: value.value, timeZone: 'UTC' })
                : value.value.toZonedDateTime('UTC')).epochMilliseconds;
            return utcEpoch - offsetSeconds * 1000;
        }
        const zone = (_a = value.zone) !== null && _a !== void 0 ? _a : 'UTC';
        return (value instanceof FeelTime
            ? REFERENCE_DATE.toZonedDateTime({ plainTime: value.value, timeZone: zone })
            : value.value.toZonedDateTime(zone)).epochMilliseconds;
    }
    if (isDuration(value)) {
        return value.value.total({ unit: 'millisecond', relativeTo: REFERENCE_DATE });
    }
    return null;
}
// duration //////////////////////////////////////////////////////////
/**
 * Normalize a duration: years / months durations balance into years and
 * months, everything else balances into days and time.
 */
function normalize(d) {
    if (d.years !== 0 || d.months !== 0) {
        return d.round({ largestUnit: 'year', relativeTo: REFERENCE_DATE });
    }
    return d.round({ largestUnit: 'day', relativeTo: REFERENCE_DATE });
}
/**
 * Whether a duration is a years and months duration (rather than a
 * days and time duration). Years and months durations only expose
 * `years` / `months` components; days and time durations only expose
 * `days` / `hours` / `minutes` / `seconds`.
 */
function isYearsMonths(d) {
    return d.years !== 0 || d.months !== 0;
}
/**
 * Whether an ISO-8601 duration literal denotes a years and months
 * duration, i.e. carries a year (`Y`) or month (`M`) component in its
 * date part. Retains the category even when the value is zero
 * (`P0Y` / `P0M` vs `P0D` / `PT0S`).
 */
function isYearsMonthsString(str) {
    const datePart = str.split('T')[0];
    return YEARS_MONTHS_PATTERN.test(datePart);
}
/**
 * Whether two durations are equal, comparing years / months durations by
 * month and days / time durations by second (mirroring FEEL semantics).
 */
function durationEquals(a, b) {
    const total = (d, unit) => d.value.total({ unit, relativeTo: REFERENCE_DATE });
    // years and months duration -> compare in months
    if (Math.abs(total(a, 'day')) > 180) {
        return Math.trunc(total(a, 'month') - total(b, 'month')) === 0;
    }
    // days and time duration -> compare in seconds
    return Math.trunc(total(a, 'second') - total(b, 'second')) === 0;
}
// the FEEL duration grammar: `P[nY][nM][nD][T[nH][nM][nS]]` with at least
// one component; notably the ISO-8601 week designator (`W`) is not part
// of it (see #105)
const DURATION_PATTERN = /^-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;
function duration(opts) {
    if (typeof opts === 'number') {
        return new FeelDuration(Temporal.Duration.from({ milliseconds: opts }), false);
    }
    if (!DURATION_PATTERN.test(opts)) {
        return null;
    }
    try {
        return new FeelDuration(Temporal.Duration.from(opts), isYearsMonthsString(opts));
    }
    catch (_a) {
        return null;
    }
}
/**
 * Return the absolute (non-negative) value of a duration.
 */
function absDuration(d) {
    return new FeelDuration(d.value.abs(), d.yearsMonths);
}
/**
 * Whether a duration carries a sub-day (time) component.
 */
function hasTimeComponent(d) {
    const { hours, minutes, seconds, milliseconds } = d.value;
    return !!(hours || minutes || seconds || milliseconds);
}
// arithmetic ////////////////////////////////////////////////////////
// Baton: a duration in its unit as a decimal: months for a years and months duration, seconds
// (with nanoseconds) for a days and time duration.
function durationMagnitude(d) {
    if (d.yearsMonths) {
        return new FeelDecimal(d.value.years * 12 + d.value.months);
    }
    const { days, hours, minutes, seconds, milliseconds, microseconds, nanoseconds } = d.value;
    return new FeelDecimal(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
        .plus(new FeelDecimal(milliseconds * 1e6 + microseconds * 1e3 + nanoseconds).div(1e9));
}
function durationOfMagnitude(m, yearsMonths) {
    if (yearsMonths) {
        const months = m.trunc().toNumber();
        return new FeelDuration(Temporal.Duration.from({ years: Math.trunc(months / 12), months: months % 12 }), true);
    }
    const sign = m.isNegative() ? -1 : 1;
    const abs = m.abs();
    const seconds = abs.trunc();
    const nanos = abs.minus(seconds).times(1e9).trunc().toNumber();
    return new FeelDuration(Temporal.Duration.from({ seconds: sign * seconds.toNumber(), nanoseconds: sign * nanos }), false);
}
// Baton: duration * number, number * duration, duration / number
function scaleDuration(d, n, divide) {
    if (divide && n === 0) {
        return null;
    }
    const m = durationMagnitude(d);
    return durationOfMagnitude(divide ? m.div(toDecimal(n)) : m.times(toDecimal(n)), d.yearsMonths);
}
// Baton: duration / duration (of the same kind) is a number
function divideDurations(a, b) {
    if (a.yearsMonths !== b.yearsMonths) {
        return null;
    }
    const divisor = durationMagnitude(b);
    return divisor.isZero() ? null : decimalResult(durationMagnitude(a).div(divisor));
}
/**
 * Add (`sign > 0`) or subtract (`sign < 0`) a duration from a temporal
 * instant, returning a new temporal instant.
 *
 * A local <date> combined with a time-bearing duration is promoted to a
 * UTC <date and time> (bare dates are anchored in UTC).
 */
function addDuration(temporal, dur, sign) {
    const d = sign < 0 ? dur.value.negated() : dur.value;
    if (isDate(temporal)) {
        // Baton: a date plus or minus a duration is a date (DMN 1.5 §10.3.2.3.6: the date
        // of the date's midnight UTC moved by the duration)
        if (hasTimeComponent(dur)) {
            return new FeelDate(temporal.value.toPlainDateTime().add(d).toPlainDate());
        }
        return new FeelDate(temporal.value.add(d));
    }
    if (isTime(temporal)) {
        // times wrap around midnight and keep their zone
        return new FeelTime(temporal.value.add(d), temporal.zone);
    }
    // date time
    if (temporal.zone === null) {
        return new FeelDateTime(temporal.value.add(d), null);
    }
    // a fixed sub-minute offset has no DST, so shifting the wall clock is
    // equivalent (and Temporal rejects such offset zones anyway)
    if (offsetZoneSeconds(temporal.zone) !== null) {
        return new FeelDateTime(temporal.value.add(d), temporal.zone);
    }
    // honor the zone (e.g. DST) for zoned date times
    const shifted = temporal.value.toZonedDateTime(temporal.zone).add(d);
    return new FeelDateTime(shifted.toPlainDateTime(), temporal.zone);
}
/**
 * Subtract two temporal instants, yielding a {@link FeelDuration}.
 */
function subtractTemporals(a, b) {
    if (isTime(a) && isTime(b)) {
        return new FeelDuration(a.value.since(b.value));
    }
    // Baton: a date counts as midnight UTC; a zoned and a local value have no difference (null);
    // two zoned values differ by their instants
    const zonedA = isDate(a) || isZoned(a);
    const zonedB = isDate(b) || isZoned(b);
    if (zonedA !== zonedB) {
        return null;
    }
    if (zonedA) {
        return new FeelDuration(Temporal.Duration.from({ milliseconds: toComparable(a) - toComparable(b) }), false);
    }
    const left = toPlainDateTime(a);
    const right = toPlainDateTime(b);
    return new FeelDuration(left.since(right, { largestUnit: 'day' }));
}
/**
 * Add (`sign > 0`) or subtract (`sign < 0`) two durations of the same
 * kind, returning `null` for a mixed-kind combination.
 *
 * Years / months and days / time durations are distinct FEEL types;
 * combining the two kinds is undefined (mirroring camunda/feel-scala,
 * which has no mixed-kind arithmetic case and yields `null`).
 */
function addDurations(a, b, sign) {
    if (a.yearsMonths !== b.yearsMonths) {
        return null;
    }
    const other = sign < 0 ? b.value.negated() : b.value;
    if (a.yearsMonths) {
        // years / months balance calendar-independently (12 months = 1 year),
        // but Temporal requires an anchor to add year / month durations
        const anchor = REFERENCE_DATE.toPlainDateTime();
        const result = anchor.add(a.value).add(other).since(anchor, { largestUnit: 'year' });
        return new FeelDuration(result, true);
    }
    // days / time add directly; days stay 24h units (no calendar balancing,
    // so P20D + P20D is P40D rather than P1M9D)
    return new FeelDuration(a.value.add(other), false);
}
/**
 * The <years and months duration> between two dates.
 */
function yearsAndMonthsDuration(from, to) {
    // Baton: whole months only (the days left over are dropped, DMN 1.5 §10.3.4.6)
    return new FeelDuration(from.value.until(to.value, { largestUnit: 'month', smallestUnit: 'month', roundingMode: 'trunc' }), true);
}
// conversions ///////////////////////////////////////////////////////
function toPlainDateTime(temporal) {
    if (isDate(temporal)) {
        return temporal.value.toPlainDateTime();
    }
    if (isDateTime(temporal)) {
        return temporal.value;
    }
    // time
    return REFERENCE_DATE.toPlainDateTime(temporal.value);
}
/**
 * Extract the calendar date of a date time.
 */
function dateOf(dateTime) {
    return new FeelDate(dateTime.value.toPlainDate());
}
/**
 * Extract the time-of-day of a date time, preserving its time zone.
 */
function timeOf(dateTime) {
    return new FeelTime(dateTime.value.toPlainTime(), dateTime.zone);
}
/**
 * The midnight (UTC) time of a date.
 */
function timeOfDate(_date) {
    return new FeelTime(new Temporal.PlainTime(0, 0, 0), 'UTC');
}
/**
 * Combine a date (or the date part of a date time) with a time into a
 * date time, carrying over the time's zone.
 */
function combine(date, time) {
    const datePart = isDate(date) ? date.value : date.value.toPlainDate();
    return new FeelDateTime(datePart.toPlainDateTime(time.value), time.zone);
}
// construction //////////////////////////////////////////////////////
/**
 * Construct a {@link FeelDate} from components, returning `null` for
 * invalid input.
 */
function dateFrom(year, month, day) {
    // Baton: FEEL numbers may be decimals
    [year, month, day] = [year, month, day].map(toJsNumber);
    if (![year, month, day].every(Number.isInteger)) {
        return null;
    }
    try {
        return new FeelDate(Temporal.PlainDate.from({ year, month, day }, { overflow: 'reject' }));
    }
    catch (_a) {
        return null;
    }
}
/**
 * Construct a {@link FeelTime} from components, returning `null` for
 * invalid input.
 *
 * An optional `offset` (a days and time duration) sets the time's zone,
 * e.g. `duration("PT5H")` yields a `+05:00` time.
 */
function timeFrom(hour, minute, second, offset = null) {
    try {
        // Baton: FEEL numbers may be decimals; the seconds may have a fraction
        [hour, minute, second] = [hour, minute, second].map(toJsNumber);
        const wholeSecond = Math.floor(second);
        const nanos = Math.round((second - wholeSecond) * 1e9);
        const value = Temporal.PlainTime.from({ hour, minute, second: wholeSecond, millisecond: Math.floor(nanos / 1e6), microsecond: Math.floor(nanos / 1e3) % 1000, nanosecond: nanos % 1000 }, { overflow: 'reject' });
        const zone = offset ? offsetZone(offset) : null;
        if (zone !== null) {
            const offsetSeconds = offsetZoneSeconds(zone);
            if (offsetSeconds !== null) {
                // sub-minute offset: validate the range manually, as Temporal
                // rejects offset zones with second precision
                if (Math.abs(offsetSeconds) >= 24 * 3600) {
                    return null;
                }
            }
            else {
                // validate the offset (throws for an out-of-range offset)
                REFERENCE_DATE.toZonedDateTime({ plainTime: value, timeZone: zone });
            }
        }
        return new FeelTime(value, zone);
    }
    catch (_a) {
        return null;
    }
}
/**
 * Convert a days and time duration into a fixed-offset time zone
 * identifier, e.g. `+05:00`, `-01:00` or `+05:30:15`.
 */
function offsetZone(offset) {
    const totalSeconds = Math.trunc(offset.value.total({ unit: 'second', relativeTo: REFERENCE_DATE }));
    const sign = totalSeconds < 0 ? '-' : '+';
    const abs = Math.abs(totalSeconds);
    const hours = Math.floor(abs / 3600);
    const minutes = Math.floor((abs % 3600) / 60);
    const seconds = abs % 60;
    const pad = (n) => String(n).padStart(2, '0');
    const base = `${sign}${pad(hours)}:${pad(minutes)}`;
    return seconds ? `${base}:${pad(seconds)}` : base;
}
// parsing ///////////////////////////////////////////////////////////
/**
 * Parse a FEEL <date> string (`2020-01-01`).
 *
 * Returns `null` if the input is not a valid date.
 */
function parseDate(str) {
    // Baton: negative and five-or-more-digit years (DMN 1.5 §10.3.2.3.5)
    str = extendedYear(str);
    if (str === null) {
        return null;
    }
    try {
        return new FeelDate(Temporal.PlainDate.from(str));
    }
    catch (_a) {
        return null;
    }
}
/**
 * Parse a FEEL <time> string (`10:30:00`, `10:30:00Z`,
 * `10:30:00+01:00`, `10:30:00@Europe/Paris`).
 */
function parseTime(str) {
    const { value, zone } = splitZone(str);
    // FEEL does not recognize leap seconds
    if (LEAP_SECOND_PATTERN.test(value)) {
        return null;
    }
    try {
        if (!isValidZone(zone)) {
            return null;
        }
        return new FeelTime(Temporal.PlainTime.from(value), zone);
    }
    catch (_a) {
        return null;
    }
}
/**
 * Parse a FEEL <date and time> string (`2020-01-01T10:30:00`,
 * `...Z`, `...@Europe/Paris`).
 */
function parseDateTime(str) {
    // Baton: negative and five-or-more-digit years (DMN 1.5 §10.3.2.3.5)
    str = extendedYear(str);
    if (str === null) {
        return null;
    }
    const { value: parsedValue, zone } = splitZone(str);
    let value = parsedValue;
    if (!value.includes('T')) {
        value = `${value}T00:00:00`;
    }
    try {
        if (!isValidZone(zone)) {
            return null;
        }
        return new FeelDateTime(Temporal.PlainDateTime.from(value), zone);
    }
    catch (_a) {
        return null;
    }
}
// Baton: FEEL writes years as `-2017` or `12345`; Temporal reads the ISO extended form
// (`-002017`, `+012345`). Null for a malformed year (a leading zero beyond four digits, a year
// ISO cannot hold).
function extendedYear(str) {
    const match = /^(-?)(\d+)(?=-)/.exec(str);
    if (!match) {
        return str;
    }
    const [whole, sign, digits] = match;
    if (!sign && digits.length === 4) {
        return str;
    }
    if (digits.length < 4 || (digits.length > 4 && digits.startsWith('0')) || digits.length > 6) {
        return null;
    }
    return (sign ? '-' : '+') + digits.padStart(6, '0') + str.slice(whole.length);
}
// Baton: the FEEL spelling of an extended year: `-002017-02-28` is `-2017-02-28`
function feelYear(iso) {
    return iso.replace(/^([+-])(\d{6})/, (_m, sign, digits) => (sign === '-' ? '-' : '') + String(Number(digits)).padStart(4, '0'));
}
// public factories //////////////////////////////////////////////////
/**
 * Parse a FEEL date-ish string into the most specific temporal value:
 * a plain <date> or, if the string carries a time / zone, a
 * <date and time>.
 */
function date(str) {
    if (str.includes('T')) {
        return parseDateTime(str);
    }
    return parseDate(str);
}
/**
 * Parse a FEEL <time> string into a {@link FeelTime}.
 */
function time(str) {
    return parseTime(str);
}
/**
 * Parse a FEEL <date and time> string into a {@link FeelDateTime}.
 */
function dateAndTime(str) {
    return parseDateTime(str);
}
/**
 * The current system date and time as a zoned value.
 */
function now() {
    const zdt = Temporal.Now.zonedDateTimeISO();
    return new FeelDateTime(zdt.toPlainDateTime(), zdt.timeZoneId);
}
/**
 * The current system date.
 */
function today() {
    return new FeelDate(Temporal.Now.plainDateISO());
}
// coercion //////////////////////////////////////////////////////////
/**
 * Coerce a raw temporal value into its FEEL wrapper.
 *
 * Accepts the wrapper types (returned as-is), native `Temporal` values
 * and native `Date` instances. Anything else is returned untouched.
 */
function toFeel(value) {
    if (isDate(value) || isTime(value) || isDateTime(value) || isDuration(value)) {
        return value;
    }
    if (value instanceof Temporal.PlainDate) {
        return new FeelDate(value);
    }
    if (value instanceof Temporal.PlainTime) {
        return new FeelTime(value);
    }
    if (value instanceof Temporal.PlainDateTime) {
        return new FeelDateTime(value);
    }
    if (value instanceof Temporal.ZonedDateTime) {
        return new FeelDateTime(value.toPlainDateTime(), value.timeZoneId);
    }
    if (value instanceof Temporal.Duration) {
        return new FeelDuration(value);
    }
    if (value instanceof Date) {
        const zdt = Temporal.Instant
            .fromEpochMilliseconds(value.getTime())
            .toZonedDateTimeISO('UTC');
        return new FeelDateTime(zdt.toPlainDateTime(), 'UTC');
    }
    return value;
}

/**
 * The FEEL types whose values are temporal instants (`date`, `time` and
 * `date and time`). They are mutually incomparable: a value of one type is
 * not comparable to a value of another.
 */
const TEMPORAL_INSTANT_TYPES = new Set(['date', 'time', 'date time']);
/**
 * A FEEL <range> (e.g. `[1..10]`, `(date("2020-01-01")..date("2020-12-31")]`).
 *
 * The FEEL-visible properties are `start`, `end`, `start included` and
 * `end included`. The element type is tracked separately (and
 * non-enumerably) as {@link valueType} so it does not leak into context
 * spreads or path access.
 */
class FeelRange {
    constructor(props) {
        Object.assign(this, props);
        // the element type is identity, not a FEEL-visible property; keep it
        // non-enumerable so it does not leak into context spreads / path access
        Object.defineProperty(this, 'valueType', { enumerable: false });
    }
    /**
     * Whether the range includes the given point or range. Returns `null`
     * for the empty range or a `null` probe.
     */
    includes(value) {
        return rangeIncludes(this, value);
    }
    /**
     * Enumerate the range, applying `fn` to each element. Only defined for
     * closed number ranges and single-character string ranges.
     */
    map(fn) {
        return rangeMap(this, fn);
    }
    toString() {
        const startBracket = this['start included'] ? '[' : '(';
        const endBracket = this['end included'] ? ']' : ')';
        return `${startBracket}${this.start}..${this.end}${endBracket}`;
    }
}
/**
 * Whether the value is a FEEL <range>.
 */
function isRange(obj) {
    return obj instanceof FeelRange;
}
// comparator ////////////////////////////////////////////////////////
/**
 * Reduce a range value to something orderable: temporal values become
 * their comparable number, everything else (numbers, strings) is used
 * as-is.
 */
function comparable(value) {
    const c = toComparable(value);
    return c === null ? value : c;
}
/**
 * Compare two same-typed, non-null range values. Returns `-1`, `0` or
 * `1`.
 */
function cmp(a, b) {
    // Baton: numbers compare as decimals
    if (isNumber(a) && isNumber(b)) {
        return compareNumbers(a, b);
    }
    const ca = comparable(a);
    const cb = comparable(b);
    if (ca < cb) {
        return -1;
    }
    if (ca > cb) {
        return 1;
    }
    return 0;
}
// membership ////////////////////////////////////////////////////////
function afterStart(value, start, startIncluded) {
    if (start === null) {
        return true;
    }
    const c = cmp(value, start);
    return startIncluded ? c >= 0 : c > 0;
}
function beforeEnd(value, end, endIncluded) {
    if (end === null) {
        return true;
    }
    const c = cmp(value, end);
    return endIncluded ? c <= 0 : c < 0;
}
function rangeIncludes(range, value) {
    let { start, end } = range;
    let startIncluded = range['start included'];
    let endIncluded = range['end included'];
    // empty range
    if (start === null && end === null) {
        return null;
    }
    if (value === null || value === undefined) {
        return null;
    }
    if (value instanceof FeelRange) {
        return rangeIncludesRange(range, value);
    }
    // `date`, `time` and `date and time` are distinct FEEL types; a probe
    // of one temporal type is not comparable to a range of another (hence
    // `null` rather than `false`)
    const valueType = getType(value);
    if (range.valueType !== null &&
        TEMPORAL_INSTANT_TYPES.has(valueType) &&
        TEMPORAL_INSTANT_TYPES.has(range.valueType) &&
        valueType !== range.valueType) {
        return null;
    }
    // normalize a descending range (e.g. `[10..1]`) so bounds are ordered
    if (start !== null && end !== null && cmp(start, end) > 0) {
        [start, end] = [end, start];
        [startIncluded, endIncluded] = [endIncluded, startIncluded];
    }
    return (afterStart(value, start, startIncluded) &&
        beforeEnd(value, end, endIncluded));
}
function rangeIncludesRange(container, value) {
    const startOk = container.start === null || (value.start !== null && (() => {
        const c = cmp(container.start, value.start);
        return c < 0 || (c === 0 && (container['start included'] || !value['start included']));
    })());
    const endOk = container.end === null || (value.end !== null && (() => {
        const c = cmp(container.end, value.end);
        return c > 0 || (c === 0 && (container['end included'] || !value['end included']));
    })());
    return startOk && endOk;
}
// relations (used by built-in range functions) //////////////////////
// Baton: the range relations (before, meets, includes…) are `rel` below the builtins
// iteration /////////////////////////////////////////////////////////
const CHARS = Array.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
const CHAR_TO_INDEX = new Map(CHARS.map((c, i) => [c, i]));
function rangeMap(range, fn) {
    const { start, end, valueType } = range;
    // empty range
    if (start === null && end === null) {
        return [];
    }
    if (valueType === 'number' && start !== null && end !== null) {
        // Baton: iteration counts in JavaScript numbers
        return numberRangeMap(toJsNumber(start), toJsNumber(end), range['start included'], range['end included'], fn);
    }
    if (valueType === 'string' && start !== null && end !== null) {
        const values = charRangeValues(start, end, range['start included'], range['end included']);
        if (values) {
            return values.map(fn);
        }
    }
    throw new Error('unsupported range operation: map');
}
function numberRangeMap(start, end, startIncluded, endIncluded, fn) {
    const direction = start > end ? -1 : 1;
    const result = [];
    for (let i = start;; i += direction) {
        if (i === start && !startIncluded) {
            continue;
        }
        if (i === end && !endIncluded) {
            break;
        }
        result.push(fn(i));
        if (i === end) {
            break;
        }
    }
    return result;
}
function charRangeValues(start, end, startIncluded, endIncluded) {
    let startIdx = CHAR_TO_INDEX.get(start);
    let endIdx = CHAR_TO_INDEX.get(end);
    if (startIdx === undefined || endIdx === undefined) {
        return null;
    }
    const direction = startIdx > endIdx ? -1 : 1;
    if (startIncluded === false) {
        startIdx += direction;
    }
    if (endIncluded === false) {
        endIdx -= direction;
    }
    return CHARS.slice(Math.min(startIdx, endIdx), Math.max(startIdx, endIdx) + 1);
}
// construction //////////////////////////////////////////////////////
const RANGE_TYPES = new Set(['string', 'number', 'duration', 'time', 'date time', 'date']);
/**
 * Create a {@link FeelRange} from its bounds, inferring the element type.
 */
function createRange(start, end, startIncluded = true, endIncluded = true) {
    // infer the element type: the shared FEEL type of the non-null bounds
    const startType = start === null ? null : getType(start);
    const endType = end === null ? null : getType(end);
    const type = startType !== null && startType !== void 0 ? startType : endType;
    const valueType = (type !== null &&
        RANGE_TYPES.has(type) &&
        (startType === null || startType === type) &&
        (endType === null || endType === type)) ? type : null;
    if (valueType === null && !(start === null && end === null)) {
        throw new Error(`unsupported range: ${start}..${end}`);
    }
    return new FeelRange({
        start,
        end,
        'start included': startIncluded,
        'end included': endIncluded,
        valueType
    });
}

/**
 * This module is the single place in the code base that deals with FEEL
 * <function> values.
 *
 * A {@link FeelFunction} is pure data (its wrapped implementation and the
 * names of its parameters) plus the {@link FeelFunction#invoke} behavior
 * that binds positional or named arguments to those parameters. Coercion of
 * arbitrary values into functions — including the range-as-membership-test
 * shortcut — is centralized in {@link wrapFunction}, and the parameter names
 * of a plain JS function are recovered through {@link parseParameterNames}.
 */
/**
 * Signal returned in place of a result when a function invocation fails.
 *
 * It carries the {@link InvocationFailure#warning} type to emit plus the
 * message template and interpolation values; the interpreter surfaces it
 * as the corresponding warning and evaluates the invocation to `null`, so
 * the signal never leaks into an enclosing expression.
 *
 * Two flavors exist: a structural {@link parameterMismatch} (wrong
 * parameter count or names, raised by {@link FeelFunction#invoke}) and a
 * semantic {@link invalidArguments} (well-typed but unusable input, raised
 * by a builtin body).
 */
class InvocationFailure {
    constructor(warning, template, values = {}) {
        this.warning = warning;
        this.template = template;
        this.values = values;
    }
}
/**
 * Create an {@link InvocationFailure} for a builtin to return when it
 * rejects otherwise well-typed input.
 */
function invalidArguments(template, values = {}) {
    return new InvocationFailure('INVALID_ARGUMENTS', template, values);
}
/**
 * Create an {@link InvocationFailure} for an invocation whose arguments do
 * not match the target's parameters (wrong count or unknown names).
 */
function parameterMismatch(target, params) {
    return new InvocationFailure('FUNCTION_INVOCATION_FAILURE', 'Cannot invoke {target} with parameters {params}', { target, params });
}
/**
 * Whether the value is an {@link InvocationFailure} signal.
 */
function isInvocationFailure(value) {
    return value instanceof InvocationFailure;
}
class FeelFunction {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(fn, parameterNames) {
        this.fn = fn;
        this.parameterNames = parameterNames;
        // the wrapped implementation is an internal detail; keep it
        // non-enumerable so serialization and structural comparison rely on
        // the public parameter names rather than the opaque closure
        Object.defineProperty(this, 'fn', { enumerable: false });
    }
    invoke(contextOrArgs) {
        let params;
        if (isArray(contextOrArgs)) {
            params = contextOrArgs;
            // reject
            if (params.length > this.parameterNames.length) {
                const lastParam = this.parameterNames[this.parameterNames.length - 1];
                // strictly check for parameter count provided
                // for non var-args functions
                if (!lastParam || !lastParam.startsWith('...')) {
                    return parameterMismatch(this, contextOrArgs);
                }
            }
        }
        else {
            // strictly check for required parameter names,
            // and fail on wrong parameter name
            for (const key of Object.keys(contextOrArgs)) {
                if (!this.parameterNames.includes(key) && !this.parameterNames.includes(`...${key}`)) {
                    return parameterMismatch(this, contextOrArgs);
                }
            }
            params = [];
            for (let name of this.parameterNames) {
                if (name.startsWith('...')) {
                    name = name.slice(3);
                    const value = contextOrArgs[name];
                    if (isNil(value)) {
                        continue;
                    }
                    // ensure that single arg provided for var args named
                    // parameter is wrapped in a list
                    if (isArray(value)) {
                        for (const v of value) {
                            params.push(v);
                        }
                    }
                    else {
                        params.push(value);
                    }
                    continue;
                }
                params.push(contextOrArgs[name]);
            }
        }
        return this.fn.call(null, ...params);
    }
}
/**
 * Whether the value is a FEEL <function>.
 */
function isFunction(obj) {
    return obj instanceof FeelFunction;
}
/**
 * Recover the parameter names of a plain JS function, either from an
 * explicit `$args` annotation or by parsing its source.
 */
function parseParameterNames(fn) {
    if (Array.isArray(fn.$args)) {
        return fn.$args;
    }
    const code = fn.toString();
    const match = /^(?:[^(]*\s*)?\(([^)]+)?\)/.exec(code);
    if (!match) {
        throw new Error('failed to parse params: ' + code);
    }
    const [_, params] = match;
    if (!params) {
        return [];
    }
    return params.split(',').map(p => p.trim());
}
/**
 * Coerce a value into a {@link FeelFunction}.
 *
 * Passes through existing functions, turns a {@link FeelRange} into a
 * membership test and wraps a plain JS function (recovering its parameter
 * names when not given). Returns `null` for anything that cannot be
 * invoked.
 *
 * @param {Function} fn
 * @param {string[]} [parameterNames]
 *
 * @return {FeelFunction}
 */
function wrapFunction(fn, parameterNames = null) {
    if (!fn) {
        return null;
    }
    if (fn instanceof FeelFunction) {
        return fn;
    }
    if (isRange(fn)) {
        return new FeelFunction((value) => fn.includes(value), ['value']);
    }
    if (typeof fn !== 'function') {
        return null;
    }
    return new FeelFunction(fn, parameterNames || parseParameterNames(fn));
}

const TEMPORAL_TYPES$1 = new Set(['date time', 'time', 'date']);
function isNil(e) {
    return e === null || e === undefined;
}
function isContext(e) {
    return !isNil(e) && Object.getPrototypeOf(e) === Object.prototype;
}
function isArray(e) {
    return Array.isArray(e);
}
function isBoolean(e) {
    return typeof e === 'boolean';
}
function getType(e) {
    if (isNil(e)) {
        return 'nil';
    }
    if (isBoolean(e)) {
        return 'boolean';
    }
    if (isNumber(e)) {
        return 'number';
    }
    if (isString(e)) {
        return 'string';
    }
    if (isArray(e)) {
        return 'list';
    }
    if (isContext(e)) {
        return 'context';
    }
    if (isDate(e)) {
        return 'date';
    }
    if (isTime(e)) {
        return 'time';
    }
    if (isDateTime(e)) {
        return 'date time';
    }
    if (isDuration(e)) {
        return 'duration';
    }
    if (isRange(e)) {
        return 'range';
    }
    if (isFunction(e)) {
        return 'function';
    }
    return 'literal';
}
function isType(el, type) {
    return getType(el) === type;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function typeCast(obj, type) {
    if (isDate(obj)) {
        if (type === 'date time') {
            return combine(obj, timeFrom(0, 0, 0));
        }
        return null;
    }
    if (isTime(obj)) {
        return null;
    }
    if (isDateTime(obj)) {
        if (type === 'time') {
            return timeOf(obj);
        }
        if (type === 'date') {
            return dateOf(obj);
        }
        if (type === 'date time') {
            return obj;
        }
    }
    return null;
}
function isNumber(obj) {
    // Baton: a FEEL number is a JavaScript number or a FeelDecimal
    return typeof obj === 'number' || obj instanceof FeelDecimal;
}
function isString(obj) {
    return typeof obj === 'string';
}
function equals(a, b, strict = false) {
    var _a, _b;
    if (a === null && b !== null ||
        a !== null && b === null) {
        return false;
    }
    if (isArray(a) && a.length < 2) {
        a = a[0];
    }
    if (isArray(b) && b.length < 2) {
        b = b[0];
    }
    const aType = getType(a);
    const bType = getType(b);
    if (TEMPORAL_TYPES$1.has(aType)) {
        if (!TEMPORAL_TYPES$1.has(bType)) {
            return null;
        }
        // `date`, `time` and `date and time` are distinct FEEL types; a value
        // of one type is never comparable to a value of another. Strict
        // equality (`is`) yields `false` for such a mismatch, a regular
        // comparison yields `null`.
        if (aType !== bType) {
            return strict ? false : null;
        }
        // a zoned and a zone-less temporal of the same type are never equal
        if (isZoned(a) !== isZoned(b)) {
            return false;
        }
        // strict equality (`is`) requires identical zones: the same instant
        // expressed via different zones is not the same value
        if (strict && !zoneEquals((_a = a.zone) !== null && _a !== void 0 ? _a : null, (_b = b.zone) !== null && _b !== void 0 ? _b : null)) {
            return false;
        }
        return toComparable(a) === toComparable(b);
    }
    if (aType !== bType) {
        return null;
    }
    if (aType === 'nil') {
        return true;
    }
    if (aType === 'list') {
        if (a.length !== b.length) {
            return false;
        }
        return a.every((element, idx) => equals(element, b[idx]));
    }
    if (aType === 'duration') {
        // Baton: a years and months and a days and time duration are different types
        if (a.yearsMonths !== b.yearsMonths) {
            return strict ? false : null;
        }
        return durationEquals(a, b);
    }
    if (aType === 'context') {
        const aEntries = Object.entries(a);
        const bEntries = Object.entries(b);
        if (aEntries.length !== bEntries.length) {
            return false;
        }
        return aEntries.every(([key, value]) => has(b, key) && equals(value, b[key]));
    }
    if (aType === 'range') {
        return (a['start included'] === b['start included'] &&
            a['end included'] === b['end included'] &&
            equals(a.start, b.start) === true &&
            equals(a.end, b.end) === true);
    }
    // Baton: numbers compare as decimals
    if (aType === 'number') {
        return numbersEqual(a, b);
    }
    if (a == b) {
        return true;
    }
    return aType === bType ? false : null;
}

// Baton: what number(from) reads, after the separators are removed
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// 10.3.4 Built-in functions
const builtins = {
    // 10.3.4.1 Conversion functions
    'number': fn(function (from, groupingSeparator, decimalSeparator) {
        // must always provide three arguments
        if (arguments.length !== 3) {
            return null;
        }
        const original = from;
        if (groupingSeparator) {
            from = from.split(groupingSeparator).join('');
        }
        if (decimalSeparator && decimalSeparator !== '.') {
            from = from.split('.').join('#').split(decimalSeparator).join('.');
        }
        // Baton: the decimal the string denotes
        const number = NUMBER_PATTERN.test(from) ? feelNumber(from) : null;
        if (number === null) {
            return invalidArguments('number(from) expects a numeric string, got {from}', {
                from: original
            });
        }
        return number;
    }, ['string', 'string?', 'string?'], ['from', 'grouping separator', 'decimal separator']),
    'string': fn(function (from) {
        if (from === null) {
            return null;
        }
        return toString(from);
    }, ['any'], ['from']),
    // date(from) => date string
    // date(from) => date and time
    // date(year, month, day)
    'date': fn(function (year, month, day, from) {
        if (!from && !isNumber(year)) {
            from = year;
            year = null;
        }
        let d;
        if (isString(from)) {
            d = parseDate(from);
        }
        else if (isDate(from)) {
            d = from;
        }
        else if (isDateTime(from)) {
            d = dateOf(from);
        }
        if (isNumber(year)) {
            const error = guard(from == null, 'date(year, month, day) does not accept a <from> argument') ||
                guard(isNumber(month) && isNumber(day), 'date(year, month, day) expects <month> and <day> to be numbers');
            if (error) {
                return error;
            }
            d = dateFrom(year, month, day);
            if (!d) {
                return invalidArguments('{year}, {month}, {day} is not a valid date', {
                    year,
                    month,
                    day
                });
            }
        }
        if (d) {
            return d;
        }
        return invalidArguments('date({from}) is not a valid date', { from });
    }, ['any?', 'number?', 'number?', 'any?'], ['year', 'month', 'day', 'from']),
    // date and time(from) => date time string
    // date and time(date, time)
    'date and time': fn(function (d, time, from) {
        const dateArg = d;
        let dt;
        if ((isDate(d) || isDateTime(d)) && isTime(time)) {
            dt = combine(d, time);
        }
        if (isString(d)) {
            from = d;
            d = null;
        }
        if (isString(from)) {
            dt = parseDateTime(from);
        }
        if (dt) {
            return dt;
        }
        return invalidArguments('date and time({from}) is not a valid date time', {
            from: isString(from) ? from : dateArg
        });
    }, ['any?', 'time?', 'string?'], ['date', 'time', 'from']),
    // time(from) => time string
    // time(from) => time, date and time
    // time(hour, minute, second, offset?) => ...
    'time': fn(function (hour, minute, second, offset, from) {
        let t;
        if (isString(hour) || isDate(hour) || isDateTime(hour) || isTime(hour)) {
            from = hour;
            hour = null;
        }
        if (isString(from) && from) {
            t = parseTime(from);
        }
        if (isTime(from)) {
            t = from;
        }
        if (isDateTime(from)) {
            t = timeOf(from);
        }
        // a date converts to its midnight (UTC) time
        if (isDate(from)) {
            t = timeOfDate();
        }
        if (isNumber(hour)) {
            const error = guard(isNumber(minute) && isNumber(second), 'time(hour, minute, second) expects <minute> and <second> to be numbers') ||
                guard(offset == null || isDuration(offset), 'time(hour, minute, second, offset) expects <offset> to be a duration');
            if (error) {
                return error;
            }
            t = timeFrom(hour, minute, second, offset);
            if (!t) {
                return invalidArguments('{hour}, {minute}, {second} is not a valid time', {
                    hour,
                    minute,
                    second
                });
            }
        }
        if (t) {
            return t;
        }
        return invalidArguments('time({from}) is not a valid time', { from: from !== null && from !== void 0 ? from : hour });
    }, ['any?', 'number?', 'number?', 'any?', 'any?'], ['hour', 'minute', 'second', 'offset', 'from']),
    'duration': fn(function (from) {
        const d = duration(from);
        if (!d) {
            return invalidArguments('duration({from}) is not a valid duration', { from });
        }
        return d;
    }, ['string'], ['from']),
    'years and months duration': fn(function (from, to) {
        return yearsAndMonthsDuration(from, to);
    }, ['date', 'date'], ['from', 'to']),
    '@': fn(function (string) {
        let t;
        if (DURATION_START_PATTERN.test(string)) {
            t = duration(string);
        }
        else if (TIME_START_PATTERN.test(string)) {
            t = parseTime(string);
        }
        else if (string.includes('T')) {
            t = parseDateTime(string);
        }
        else {
            t = parseDate(string);
        }
        if (!t) {
            return invalidArguments('@"{string}" is not a valid temporal literal', { string });
        }
        return t;
    }, ['string']),
    'now': fn(function () {
        return now();
    }, [], []),
    'today': fn(function () {
        return today();
    }, [], []),
    // 10.3.4.2 Boolean function
    'not': fn(function (negand) {
        return isType(negand, 'boolean') ? !negand : null;
    }, ['any'], ['negand']),
    // 10.3.4.3 String functions
    'substring': fn(function (string, start, length) {
        // Baton: positions as JavaScript numbers
        start = toJsNumber(start);
        length = length === undefined || length === null ? length : toJsNumber(length);
        const _start = (start < 0 ? string.length + start : start - 1);
        const arr = Array.from(string);
        return (typeof length !== 'undefined'
            ? arr.slice(_start, _start + length)
            : arr.slice(_start)).join('');
    }, ['string', 'number', 'number?'], ['string', 'start position', 'length']),
    'string length': fn(function (string) {
        return countSymbols(string);
    }, ['string'], ['string']),
    'upper case': fn(function (string) {
        return string.toUpperCase();
    }, ['string'], ['string']),
    'lower case': fn(function (string) {
        return string.toLowerCase();
    }, ['string'], ['string']),
    'substring before': fn(function (string, match) {
        const index = string.indexOf(match);
        if (index === -1) {
            return '';
        }
        return string.substring(0, index);
    }, ['string', 'string'], ['string', 'match']),
    'substring after': fn(function (string, match) {
        const index = string.indexOf(match);
        if (index === -1) {
            return '';
        }
        return string.substring(index + match.length);
    }, ['string', 'string'], ['string', 'match']),
    'replace': fn(function (input, pattern, replacement, flags) {
        const regexp = createRegexp(pattern, flags || '', 'g');
        if (!regexp) {
            return invalidArguments('replace(input, pattern, replacement) expects a valid pattern, got {pattern}', {
                pattern
            });
        }
        return input.replace(regexp, replacement.replace(/\$0/g, '$$&'));
    }, ['string', 'string', 'string', 'string?'], ['input', 'pattern', 'replacement', 'flags']),
    'contains': fn(function (string, match) {
        return string.includes(match);
    }, ['string', 'string'], ['string', 'match']),
    'matches': fn(function (input, pattern, flags) {
        const regexp = createRegexp(pattern, flags || '', '');
        if (!regexp) {
            return invalidArguments('matches(input, pattern) expects a valid pattern, got {pattern}', {
                pattern
            });
        }
        return regexp.test(input);
    }, ['string', 'string', 'string?'], ['input', 'pattern', 'flags']),
    'starts with': fn(function (string, match) {
        return string.startsWith(match);
    }, ['string', 'string'], ['string', 'match']),
    'ends with': fn(function (string, match) {
        return string.endsWith(match);
    }, ['string', 'string'], ['string', 'match']),
    'split': fn(function (string, delimiter) {
        const regexp = createRegexp(delimiter, '', '');
        if (!regexp) {
            return invalidArguments('split(string, delimiter) expects a valid pattern, got {delimiter}', {
                delimiter
            });
        }
        return string.split(regexp);
    }, ['string', 'string'], ['string', 'delimiter']),
    'string join': fn(function (list, delimiter) {
        const invalidItem = list.find(e => !isString(e) && e !== null);
        if (invalidItem !== undefined) {
            return invalidArguments('string join(list) expects a list of strings, got {item}', {
                item: invalidItem
            });
        }
        return list.filter(l => l !== null).join(delimiter || '');
    }, ['list', 'string?'], ['list', 'delimiter']),
    // 10.3.4.4 List functions
    'list contains': fn(function (list, element) {
        return list.some(el => matches(el, element));
    }, ['list', 'any?'], ['list', 'element']),
    // list replace(list, position, newItem)
    // list replace(list, match, newItem)
    'list replace': fn(function (list, position, newItem, match) {
        const matcher = position || match;
        if (!['number', 'function'].includes(getType(matcher))) {
            return invalidArguments('list replace expects a numeric position or a match function, got {matcher}', {
                matcher
            });
        }
        return listReplace(list, position || match, newItem);
    }, ['list', 'any?', 'any', 'function?'], ['list', 'position', 'newItem', 'match']),
    'count': fn(function (list) {
        return list.length;
    }, ['list'], ['list']),
    // Baton: min and max of any comparable values (numbers as decimals, strings, temporals)
    'min': listFn(function (...list) {
        return extreme(list, -1);
    }, 'any', ['...list']),
    'max': listFn(function (...list) {
        return extreme(list, 1);
    }, 'any', ['...list']),
    'sum': listFn(function (...list) {
        return sum(list);
    }, 'number', ['...list']),
    'mean': listFn(function (...list) {
        const s = sum(list);
        // Baton: decimal
        return s === null ? s : decimalOp(s, list.length, (x, y) => x.div(y));
    }, 'number', ['...list']),
    'all': listFn(function (...list) {
        let nonBool = false;
        for (const o of list) {
            if (o === false) {
                return false;
            }
            if (typeof o !== 'boolean') {
                nonBool = true;
            }
        }
        return nonBool ? null : true;
    }, 'any?', ['...list']),
    'any': listFn(function (...list) {
        let nonBool = false;
        for (const o of list) {
            if (o === true) {
                return true;
            }
            if (typeof o !== 'boolean') {
                nonBool = true;
            }
        }
        return nonBool ? null : false;
    }, 'any?', ['...list']),
    'sublist': fn(function (list, start, length) {
        // Baton: positions as JavaScript numbers
        start = toJsNumber(start);
        length = length === undefined || length === null ? length : toJsNumber(length);
        const _start = (start < 0 ? list.length + start : start - 1);
        return (typeof length !== 'undefined'
            ? list.slice(_start, _start + length)
            : list.slice(_start));
    }, ['list', 'number', 'number?'], ['list', 'start', 'length']),
    'append': fn(function (list, ...items) {
        return list.concat(items);
    }, ['list', 'any?'], ['list', '...item']),
    'concatenate': fn(function (...list) {
        const result = [];
        for (const arg of list) {
            if (isArray(arg)) {
                for (const item of arg) {
                    result.push(item);
                }
            }
            else {
                result.push(arg);
            }
        }
        return result;
    }, ['any'], ['...list']),
    'insert before': fn(function (list, position, newItem) {
        // single-copy equivalent of
        // list.slice(0, position - 1).concat([ newItem ], list.slice(position - 1))
        const len = list.length;
        // Baton: positions as JavaScript numbers
        let p = toJsNumber(position) - 1;
        if (p < 0) {
            p = Math.max(0, len + p);
        }
        else if (p > len) {
            p = len;
        }
        const result = new Array(len + 1);
        for (let i = 0; i < p; i++) {
            result[i] = list[i];
        }
        result[p] = newItem;
        for (let i = p; i < len; i++) {
            result[i + 1] = list[i];
        }
        return result;
    }, ['list', 'number', 'any?'], ['list', 'position', 'newItem']),
    'remove': fn(function (list, position) {
        // single-copy equivalent of
        // list.slice(0, position - 1).concat(list.slice(position))
        const len = list.length;
        // Baton: positions as JavaScript numbers
        position = toJsNumber(position);
        const head = Math.min(Math.max(position - 1, -len), len);
        const tail = Math.min(Math.max(position, -len), len);
        const a = head < 0 ? len + head : head;
        const b = tail < 0 ? len + tail : tail;
        const result = new Array(a + (len - b));
        for (let i = 0; i < a; i++) {
            result[i] = list[i];
        }
        for (let i = b; i < len; i++) {
            result[a + (i - b)] = list[i];
        }
        return result;
    }, ['list', 'number'], ['list', 'position']),
    'reverse': fn(function (list) {
        return list.slice().reverse();
    }, ['list'], ['list']),
    'index of': fn(function (list, match) {
        return list.reduce(function (result, element, index) {
            if (matches(element, match)) {
                result.push(index + 1);
            }
            return result;
        }, []);
    }, ['list', 'any'], ['list', 'match']),
    'union': listFn(function (...lists) {
        return distinctLists(lists);
    }, 'list', ['...list']),
    'distinct values': fn(function (list) {
        return distinctLists([list]);
    }, ['list'], ['list']),
    'flatten': fn(function (list) {
        return flatten(list);
    }, ['list'], ['list']),
    'product': listFn(function (...list) {
        if (list.length === 0) {
            return null;
        }
        // Baton: decimal
        return decimalResult(list.reduce((result, n) => result.times(toDecimal(n)), new FeelDecimal(1)));
    }, 'number', ['...list']),
    'median': listFn(function (...list) {
        if (list.length === 0) {
            return null;
        }
        return median(list);
    }, 'number', ['...list']),
    'stddev': listFn(function (...list) {
        if (list.length < 2) {
            return null;
        }
        return stddev(list);
    }, 'number', ['...list']),
    'mode': listFn(function (...list) {
        return mode(list);
    }, 'number', ['...list']),
    // 10.3.4.5 Numeric functions
    'decimal': fn(function (n, scale) {
        if (n === null || scale === null)
            return null;
        // Baton: decimal
        return roundScaled(n, scale, Decimal.ROUND_HALF_EVEN);
    }, ['number', 'number'], ['n', 'scale']),
    'floor': fn(function (n, scale = 0) {
        if (scale === null) {
            return null;
        }
        // Baton: decimal
        return roundScaled(n, scale, Decimal.ROUND_FLOOR);
    }, ['number', 'number?'], ['n', 'scale']),
    'ceiling': fn(function (n, scale = 0) {
        if (scale === null) {
            return null;
        }
        // Baton: decimal
        return roundScaled(n, scale, Decimal.ROUND_CEIL);
    }, ['number', 'number?'], ['n', 'scale']),
    'abs': fn(function (n) {
        if (isNumber(n)) {
            // Baton: decimal
            return n instanceof FeelDecimal ? n.abs() : Math.abs(n);
        }
        if (isDuration(n)) {
            return absDuration(n);
        }
        if (n === null) {
            return null;
        }
        return invalidArguments('abs(n) expects a number or duration, got {n}', {
            n
        });
    }, ['any'], ['n']),
    'round up': fn(function (n, scale) {
        if (n === null || scale === null)
            return null;
        // Baton: decimal
        return roundScaled(n, scale, Decimal.ROUND_UP);
    }, ['number', 'number'], ['n', 'scale']),
    'round down': fn(function (n, scale) {
        if (n === null || scale === null)
            return null;
        // Baton: decimal
        return roundScaled(n, scale, Decimal.ROUND_DOWN);
    }, ['number', 'number'], ['n', 'scale']),
    'round half up': fn(function (n, scale) {
        if (n === null || scale === null)
            return null;
        // Baton: decimal
        return roundScaled(n, scale, Decimal.ROUND_HALF_UP);
    }, ['number', 'number'], ['n', 'scale']),
    'round half down': fn(function (n, scale) {
        if (n === null || scale === null)
            return null;
        // Baton: decimal
        return roundScaled(n, scale, Decimal.ROUND_HALF_DOWN);
    }, ['number', 'number'], ['n', 'scale']),
    'modulo': fn(function (dividend, divisor) {
        if (!divisor) {
            return invalidArguments('modulo(dividend, divisor) does not accept {divisor} as a divisor', {
                divisor
            });
        }
        // Baton: decimal; the result has the divisor's sign (DMN 1.5 §10.3.4.5)
        return decimalOp(dividend, divisor, (x, y) => x.minus(y.times(x.div(y).floor())));
    }, ['number', 'number'], ['dividend', 'divisor']),
    'sqrt': fn(function (number) {
        if (compareNumbers(number, 0) < 0) {
            return invalidArguments('sqrt(number) expects a non-negative number, got {number}', {
                number
            });
        }
        // Baton: decimal
        return decimalResult(toDecimal(number).sqrt());
    }, ['number'], ['number']),
    'log': fn(function (number) {
        if (compareNumbers(number, 0) <= 0) {
            return invalidArguments('log(number) expects a positive number, got {number}', {
                number
            });
        }
        // Baton: decimal
        return decimalResult(toDecimal(number).ln());
    }, ['number'], ['number']),
    'exp': fn(function (number) {
        // Baton: decimal
        return decimalResult(toDecimal(number).exp());
    }, ['number'], ['number']),
    'odd': fn(function (number) {
        // Baton: decimal; only integers are odd or even
        return isIntegerNumber(number) ? !toDecimal(number).mod(2).isZero() : null;
    }, ['number'], ['number']),
    'even': fn(function (number) {
        // Baton: decimal; only integers are odd or even
        return isIntegerNumber(number) ? toDecimal(number).mod(2).isZero() : null;
    }, ['number'], ['number']),
    // 10.3.4.6 Date and time functions
    'is': fn(function (value1, value2) {
        if (typeof value1 === 'undefined' || typeof value2 === 'undefined') {
            return false;
        }
        return equals(value1, value2, true);
    }, ['any?', 'any?'], ['value1', 'value2']),
    // 10.3.4.7 Range Functions
    // Baton: every range function of DMN 1.5 §10.3.4.7, for points and ranges (open ends
    // included), with the spec's parameter names so named invocations work
    'before': rangeFn((a, b) => rel.before(a, b), [['point1', 'point2'], ['point', 'range'], ['range', 'point'], ['range1', 'range2']]),
    'after': rangeFn((a, b) => rel.before(b, a), [['point1', 'point2'], ['point', 'range'], ['range', 'point'], ['range1', 'range2']]),
    'meets': rangeFn((a, b) => rel.meets(a, b), [['range1', 'range2']]),
    'met by': rangeFn((a, b) => rel.meets(b, a), [['range1', 'range2']]),
    'overlaps': rangeFn((a, b) => rel.overlaps(a, b), [['range1', 'range2']]),
    'overlaps before': rangeFn((a, b) => rel.overlapsBefore(a, b), [['range1', 'range2']]),
    'overlaps after': rangeFn((a, b) => rel.overlapsBefore(b, a), [['range1', 'range2']]),
    'finishes': rangeFn((a, b) => rel.finishes(a, b), [['point', 'range'], ['range1', 'range2']]),
    'finished by': rangeFn((a, b) => rel.finishes(b, a), [['range', 'point'], ['range1', 'range2']]),
    'includes': rangeFn((a, b) => rel.includes(a, b), [['range', 'point'], ['range1', 'range2']]),
    'during': rangeFn((a, b) => rel.includes(b, a), [['point', 'range'], ['range1', 'range2']]),
    'starts': rangeFn((a, b) => rel.starts(a, b), [['point', 'range'], ['range1', 'range2']]),
    'started by': rangeFn((a, b) => rel.starts(b, a), [['range', 'point'], ['range1', 'range2']]),
    'coincides': rangeFn((a, b) => rel.coincides(a, b), [['point1', 'point2'], ['range1', 'range2']]),
    // 10.3.4.8 Temporal built-in functions
    'day of year': fn(function (date) {
        return date.value.dayOfYear;
    }, ['date time'], ['date']),
    'day of week': fn(function (date) {
        return WEEKDAY_NAMES[date.value.dayOfWeek - 1];
    }, ['date time'], ['date']),
    'month of year': fn(function (date) {
        return MONTH_NAMES[date.value.month - 1];
    }, ['date time'], ['date']),
    'week of year': fn(function (date) {
        return date.value.weekOfYear;
    }, ['date time'], ['date']),
    // 10.3.4.9 Sort
    'sort': fn(function (list, precedes) {
        // fast path: positional two-parameter functions can be invoked
        // directly, skipping FeelFunction#invoke argument binding overhead
        // on every comparison
        const compare = precedes.parameterNames.length === 2
            ? (a, b) => precedes.fn(a, b) ? -1 : 1
            : (a, b) => precedes.invoke([a, b]) ? -1 : 1;
        return Array.from(list).sort(compare);
    }, ['list', 'function'], ['list', 'precedes']),
    // 10.3.4.10 Context function
    'get value': fn(function (m, key) {
        const value = getFromContext(key, m);
        return value != undefined ? value : null;
    }, ['context', 'string'], ['m', 'key']),
    'get entries': fn(function (m) {
        if (arguments.length !== 1) {
            return null;
        }
        if (Array.isArray(m)) {
            return null;
        }
        return Object.entries(m).map(([key, value]) => ({ key, value }));
    }, ['context'], ['m']),
    'context': listFn(function (...entries) {
        const context = {};
        for (const entry of entries) {
            if (!['key', 'value'].every(e => e in entry)) {
                return invalidArguments('context(entries) expects each entry to have a key and value, got {entry}', {
                    entry
                });
            }
            const key = entry.key;
            if (key === null) {
                return invalidArguments('context(entries) does not accept a null key');
            }
            if (has(context, key)) {
                return invalidArguments('context(entries) expects unique keys, got {key}', {
                    key
                });
            }
            context[key] = entry.value;
        }
        return context;
    }, 'context', ['...entries']),
    'context merge': listFn(function (...contexts) {
        return Object.assign({}, ...contexts);
    }, 'context', ['...contexts']),
    'context put': fn(function (context, keys, value, key) {
        if (typeof keys === 'undefined' && typeof key === 'undefined') {
            return invalidArguments('context put(context, value) expects a key or keys');
        }
        return contextPut(context, keys || [key], value);
    }, ['context', 'list?', 'any', 'string?'], ['context', 'keys', 'value', 'key'])
};
/**
 * @param {Object} context
 * @param {string[]} keys
 * @param {any} value
 */
function contextPut(context, keys, value) {
    const [key, ...remainingKeys] = keys;
    if (getType(key) !== 'string') {
        return invalidArguments('context put expects a string key, got {key}', {
            key
        });
    }
    if (getType(context) === 'nil') {
        return invalidArguments('context put expects an existing context, got {context}', {
            context
        });
    }
    if (remainingKeys.length) {
        value = contextPut(context[key], remainingKeys, value);
        if (isInvocationFailure(value)) {
            return value;
        }
    }
    return Object.assign(Object.assign({}, context), { [key]: value });
}
function matches(a, b) {
    // Baton: FEEL equality (decimals, temporals, lists, contexts)
    return a === b || (a !== null && b !== null && equals(a, b) === true);
}
const FALSE = {};
const DURATION_START_PATTERN = /^-?P/;
const TIME_START_PATTERN = /^\d{1,2}:\d{1,2}:\d{1,2}/;
const NON_WORD_PATTERN = /\W/;
const SUPPORTED_FLAGS_PATTERN = /[smix]/g;
const EXTENDED_FLAG_PATTERN = /x/;
function createArgTester(arg) {
    const optional = arg.endsWith('?');
    const type = optional ? arg.substring(0, arg.length - 1) : arg;
    return function (obj) {
        const arr = Array.isArray(obj);
        if (type === 'list') {
            if (arr || optional && typeof obj === 'undefined') {
                return obj;
            }
            else if (typeof obj === 'undefined') {
                // reject a missing required list argument
                return FALSE;
            }
            else {
                // implicit conversion obj => [ obj ]
                return obj === null ? FALSE : [obj];
            }
        }
        if (type !== 'any' && arr && obj.length === 1) {
            // implicit conversion [ obj ] => obj
            obj = obj[0];
        }
        const objType = getType(obj);
        if (type === 'any' || type === objType) {
            return optional ? obj : typeof obj !== 'undefined' ? obj : FALSE;
        }
        if (objType === 'nil') {
            return (optional ? obj : FALSE);
        }
        return typeCast(obj, type) || FALSE;
    };
}
function createArgsValidator(argDefinitions) {
    const tests = argDefinitions.map(createArgTester);
    return function (args) {
        const result = [];
        // validate provided args; pad and validate missing trailing args
        // (without mutating the caller's array)
        const length = Math.max(args.length, argDefinitions.length);
        for (let index = 0; index < length; index++) {
            const test = tests[index];
            const conversion = test ? test(args[index]) : args[index];
            if (conversion === FALSE) {
                return false;
            }
            result.push(conversion);
        }
        return result;
    };
}
/**
 * @param {Function} fnDefinition
 * @param {string} type
 * @param {string[]} [parameterNames]
 *
 * @return {Function}
 */
function listFn(fnDefinition, type, parameterNames = null) {
    const tester = createArgTester(type);
    const wrappedFn = function (...args) {
        if (args.length === 0) {
            return null;
        }
        // unwrap first arg
        if (Array.isArray(args[0]) && args.length === 1) {
            args = args[0];
        }
        if (!args.every(arg => tester(arg) !== FALSE)) {
            return null;
        }
        return fnDefinition(...args);
    };
    wrappedFn.$args = parameterNames || parseParameterNames(fnDefinition);
    return wrappedFn;
}
/**
 * Return an {@link invalidArguments} signal unless the condition holds,
 * so builtins can express argument validation as a flat guard chain
 * (`guard(...) || guard(...)`), short-circuiting on the first failure.
 *
 * @param {boolean} condition
 * @param {string} template
 * @param {Record<string, unknown>} [values]
 *
 * @return {import('./function.js').InvocationFailure | null}
 */
function guard(condition, template, values = {}) {
    return condition ? null : invalidArguments(template, values);
}
/**
 * @param {Function} fnDefinition
 * @param {string[]} argDefinitions
 * @param {string[]} [parameterNames]
 *
 * @return {Function}
 */
function fn(fnDefinition, argDefinitions, parameterNames = null) {
    const checkArgs = createArgsValidator(argDefinitions);
    parameterNames = parameterNames || parseParameterNames(fnDefinition);
    const wrappedFn = function (...args) {
        const convertedArgs = checkArgs(args);
        if (!convertedArgs) {
            return null;
        }
        return fnDefinition(...convertedArgs);
    };
    wrappedFn.$args = parameterNames;
    return wrappedFn;
}
// Baton: the smallest (sign -1) or largest (sign 1) of comparable values of one type, or null
function extreme(list, sign) {
    if (list.length === 0) {
        return null;
    }
    const type = getType(list[0]);
    if (!['number', 'string', 'date', 'time', 'date time', 'duration'].includes(type) || list.some(el => getType(el) !== type)) {
        return null;
    }
    return list.reduce((best, el) => cmp(el, best) * sign > 0 ? el : best);
}

// Baton: the range relations of DMN 1.5 §10.3.4.7. A point is a comparable value, a range a
// FeelRange; an open end (null) is unbounded. Values of different types are not comparable: null.
const NOT_COMPARABLE = {};
function rangeParts(x) {
    if (isRange(x)) {
        return { start: x.start, end: x.end, si: x['start included'], ei: x['end included'], range: true };
    }
    return { start: x, end: x, si: true, ei: true, range: false };
}
// compare two bounds; `aSide`/`bSide` say which end an unbounded (null) value is (-1 start, 1 end)
function cmpBound(a, aSide, b, bSide) {
    if (a === null || a === undefined) {
        return (b === null || b === undefined) && aSide === bSide ? 0 : aSide;
    }
    if (b === null || b === undefined) {
        return -bSide;
    }
    const ta = getType(a);
    const tb = getType(b);
    if (ta !== tb) {
        throw NOT_COMPARABLE;
    }
    if (ta === 'duration' && a.yearsMonths !== b.yearsMonths) {
        throw NOT_COMPARABLE;
    }
    return cmp(a, b);
}
const rel = {
    before(a, b) {
        const x = rangeParts(a), y = rangeParts(b);
        const c = cmpBound(x.end, 1, y.start, -1);
        return c < 0 || (c === 0 && (!x.ei || !y.si));
    },
    meets(a, b) {
        const x = rangeParts(a), y = rangeParts(b);
        return x.ei && y.si && cmpBound(x.end, 1, y.start, -1) === 0;
    },
    overlaps(a, b) {
        const x = rangeParts(a), y = rangeParts(b);
        const c1 = cmpBound(x.end, 1, y.start, -1);
        const c2 = cmpBound(x.start, -1, y.end, 1);
        return (c1 > 0 || (c1 === 0 && x.ei && y.si)) && (c2 < 0 || (c2 === 0 && x.si && y.ei));
    },
    overlapsBefore(a, b) {
        const x = rangeParts(a), y = rangeParts(b);
        const ss = cmpBound(x.start, -1, y.start, -1);
        const es = cmpBound(x.end, 1, y.start, -1);
        const ee = cmpBound(x.end, 1, y.end, 1);
        return (ss < 0 || (ss === 0 && x.si && !y.si)) &&
            (es > 0 || (es === 0 && x.ei && y.si)) &&
            (ee < 0 || (ee === 0 && (!x.ei || y.ei)));
    },
    finishes(a, b) {
        const x = rangeParts(a), y = rangeParts(b);
        if (!x.range) {
            return y.ei && cmpBound(y.end, 1, x.end, 1) === 0;
        }
        const ss = cmpBound(x.start, -1, y.start, -1);
        return x.ei === y.ei && cmpBound(x.end, 1, y.end, 1) === 0 && (ss > 0 || (ss === 0 && (!x.si || y.si)));
    },
    includes(a, b) {
        const x = rangeParts(a), y = rangeParts(b);
        if (!y.range) {
            const s = cmpBound(x.start, -1, y.start, -1);
            const e = cmpBound(x.end, 1, y.end, 1);
            return (s < 0 && e > 0) || (s === 0 && x.si) || (e === 0 && x.ei);
        }
        const s = cmpBound(x.start, -1, y.start, -1);
        const e = cmpBound(x.end, 1, y.end, 1);
        return (s < 0 || (s === 0 && (x.si || !y.si))) && (e > 0 || (e === 0 && (x.ei || !y.ei)));
    },
    starts(a, b) {
        const x = rangeParts(a), y = rangeParts(b);
        if (!x.range) {
            return y.si && cmpBound(y.start, -1, x.start, -1) === 0;
        }
        const ee = cmpBound(y.end, 1, x.end, 1);
        return cmpBound(x.start, -1, y.start, -1) === 0 && x.si === y.si && (ee > 0 || (ee === 0 && (!x.ei || y.ei)));
    },
    coincides(a, b) {
        const x = rangeParts(a), y = rangeParts(b);
        if (!x.range && !y.range) {
            return cmpBound(x.start, -1, y.start, -1) === 0;
        }
        return cmpBound(x.start, -1, y.start, -1) === 0 && x.si === y.si && cmpBound(x.end, 1, y.end, 1) === 0 && x.ei === y.ei;
    }
};
/**
 * A range function with the spec's signatures (`[['point', 'range'], ['range1', 'range2']]`):
 * positional arguments are taken in order; named ones pick the signature by their names. The
 * arguments must be points or ranges as the signature says; a null or incomparable argument is null.
 */
function rangeFn(relation, signatures) {
    const names = [...new Set(signatures.flat())];
    const wrappedFn = function (...args) {
        const given = args.map((a, i) => [names[i], a]).filter(([, a]) => a !== undefined);
        if (given.length !== 2) {
            return null;
        }
        // positional arguments arrive as the first two names: any signature may be meant
        const positional = given[0][0] === names[0] && given[1][0] === names[1];
        const candidates = positional ? signatures : signatures.filter(sig => sig[0] === given[0][0] && sig[1] === given[1][0]);
        const [a, b] = given.map(([, v]) => v);
        if (a === null || b === null || candidates.length === 0) {
            return null;
        }
        const fits = candidates.some(sig => sig.every((name, i) => (name.startsWith('range') ? isRange : (v) => !isRange(v) && !isArray(v) && !isContext(v))([a, b][i])));
        if (!fits) {
            return null;
        }
        try {
            return relation(a, b);
        }
        catch (err) {
            if (err === NOT_COMPARABLE) {
                return null;
            }
            throw err;
        }
    };
    wrappedFn.$args = names;
    return wrappedFn;
}
function sum(list) {
    // Baton: decimal
    const total = list.reduce((sum, el) => sum === null ? toDecimal(el) : sum.plus(toDecimal(el)), null);
    return total === null ? null : decimalResult(total);
}
/**
 * Deduplicate the concatenation of `lists`, preserving FEEL `equals`
 * semantics and first-occurrence order.
 *
 * @param {any[][]} lists
 *
 * @return {any[]}
 */
function distinctLists(lists) {
    // hash-bucket scalars and temporals for O(1) probes; complex values
    // (lists, contexts, ranges, durations) fall back to linear equals() scans
    const result = [];
    const seenScalars = new Set();
    const seenTemporals = new Set();
    const complex = [];
    const temporalKey = (e) => {
        const type = getType(e);
        if (type === 'date' || type === 'time' || type === 'date time') {
            return `${type}|${isZoned(e) ? 1 : 0}|${toComparable(e)}`;
        }
        return null;
    };
    for (const list of lists) {
        for (const e of list) {
            // NaN excluded: it is never equal to itself per equals() and
            // thus never deduplicated
            const scalar = (typeof e === 'number' && !Number.isNaN(e) ||
                typeof e === 'string' ||
                typeof e === 'boolean' ||
                e === null ||
                e === undefined);
            // complex values are probed against scalars, too: equals() unwraps
            // single-element lists, so [ 1 ] equals 1
            if (scalar) {
                if (seenScalars.has(e) || complex.some(c => equals(e, c))) {
                    continue;
                }
                seenScalars.add(e);
                result.push(e);
                continue;
            }
            const key = temporalKey(e);
            if (key !== null) {
                if (seenTemporals.has(key) || complex.some(c => equals(e, c))) {
                    continue;
                }
                seenTemporals.add(key);
                result.push(e);
                continue;
            }
            if (result.some(r => equals(e, r))) {
                continue;
            }
            complex.push(e);
            result.push(e);
        }
    }
    return result;
}
function flatten(list) {
    const result = [];
    // explicit stack of [array, index] frames, deepest list on top
    const stack = [[list, 0]];
    while (stack.length) {
        const frame = stack[stack.length - 1];
        const [items, index] = frame;
        if (index >= items.length) {
            stack.pop();
            continue;
        }
        frame[1]++;
        const item = items[index];
        if (Array.isArray(item)) {
            stack.push([item, 0]);
        }
        else if (item !== undefined) {
            result.push(item);
        }
    }
    return result;
}
function toKeyString(key) {
    if (typeof key === 'string' && NON_WORD_PATTERN.test(key)) {
        return toString(key, true);
    }
    return key;
}
function toDeepString(obj) {
    return toString(obj, true);
}
function escapeStr(str) {
    return str.replace(/("|\\)/g, '\\$1');
}
function toString(obj, wrap = false) {
    const type = getType(obj);
    if (type === 'nil') {
        return 'null';
    }
    if (type === 'string') {
        return wrap ? `"${escapeStr(obj)}"` : obj;
    }
    if (type === 'boolean' || type === 'number') {
        return String(obj);
    }
    if (type === 'list') {
        return '[' + obj.map(toDeepString).join(', ') + ']';
    }
    if (type === 'context') {
        return '{' + Object.entries(obj).map(([key, value]) => {
            return toKeyString(key) + ': ' + toDeepString(value);
        }).join(', ') + '}';
    }
    if (type === 'duration') {
        return obj.toString();
    }
    if (type === 'date time') {
        return obj.toString();
    }
    if (type === 'date') {
        return obj.toString();
    }
    if (type === 'range') {
        return '<range>';
    }
    if (type === 'time') {
        return obj.toString();
    }
    if (type === 'function') {
        return '<function>';
    }
    throw notImplemented('string(' + type + ')');
}
function countSymbols(str) {
    // cf. https://mathiasbynens.be/notes/javascript-unicode
    return str.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}
// adapted from https://stackoverflow.com/a/53577159
// Baton: the sample standard deviation in decimal
function stddev(array) {
    const values = array.map(toDecimal);
    const n = values.length;
    const mean = values.reduce((a, b) => a.plus(b)).div(n);
    return decimalResult(values.map(x => x.minus(mean).pow(2)).reduce((a, b) => a.plus(b)).div(n - 1).sqrt());
}
function listReplace(list, matcher, newItem) {
    if (isNumber(matcher)) {
        // Baton: positions as JavaScript numbers
        matcher = toJsNumber(matcher);
        return [...list.slice(0, matcher - 1), newItem, ...list.slice(matcher)];
    }
    return list.map((item, _idx) => {
        if (matcher.invoke([item, newItem])) {
            return newItem;
        }
        else {
            return item;
        }
    });
}
// Baton: numeric order and decimal arithmetic
function median(array) {
    const n = array.length;
    const sorted = array.slice().sort(compareNumbers);
    const mid = n / 2 - 1;
    const index = Math.ceil(mid);
    // even
    if (mid === index) {
        return decimalOp(sorted[index], sorted[index + 1], (a, b) => a.plus(b).div(2));
    }
    // uneven
    return sorted[index];
}
// Baton: the most frequent numbers, ascending, compared as decimals
function mode(array) {
    if (array.length === 0) {
        return [];
    }
    const buckets = new Map();
    for (const n of array) {
        const key = String(n);
        const bucket = buckets.get(key);
        if (bucket) {
            bucket.count++;
        }
        else {
            buckets.set(key, { value: n, count: 1 });
        }
    }
    const top = Math.max(...[...buckets.values()].map(b => b.count));
    return [...buckets.values()].filter(b => b.count === top).map(b => b.value).sort(compareNumbers);
}
const WEEKDAY_NAMES = [
    'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'
];
const MONTH_NAMES = [
    'January', 'February', 'March', 'April', 'May', 'June',
    'July', 'August', 'September', 'October', 'November', 'December'
];
/**
 * Concatenates flags for a regular expression.
 *
 * Ensures that default flags are included without duplication, even if
 * user-specified flags overlap with the defaults.
 */
function buildFlags(flags, defaultFlags) {
    const unsupportedFlags = flags.replace(SUPPORTED_FLAGS_PATTERN, '');
    if (unsupportedFlags) {
        throw new Error('illegal flags: ' + unsupportedFlags);
    }
    // Baton: the <x> flag is applied to the pattern (see createRegexp), not passed to RegExp
    return flags.replace(/x/g, '') + defaultFlags;
}
// Baton: whitespace removed from a pattern except inside [...] and after a backslash
function stripRegexWhitespace(pattern) {
    let out = '';
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '\\') {
            out += c + (pattern[i + 1] ?? '');
            i++;
            continue;
        }
        if (c === '[') {
            inClass = true;
        }
        else if (c === ']') {
            inClass = false;
        }
        if (!inClass && /\s/.test(c)) {
            continue;
        }
        out += c;
    }
    return out;
}
/**
 * Creates a regular expression from a given pattern
 */
function createRegexp(pattern, flags, defaultFlags = '') {
    try {
        // Baton: XPath's <x> flag removes whitespace outside character classes
        if (EXTENDED_FLAG_PATTERN.test(flags)) {
            pattern = stripRegexWhitespace(pattern);
        }
        return new RegExp(pattern, 'u' + buildFlags(flags, defaultFlags));
    }
    catch (_err) {
        if (isNotImplemented(_err)) {
            throw _err;
        }
    }
    return null;
}

function parseExpression(expression, context = {}, dialect) {
    return parser.configure({
        top: 'Expression',
        contextTracker: trackVariables(context),
        dialect
    }).parse(expression);
}
function parseUnaryTests(expression, context = {}, dialect) {
    return parser.configure({
        top: 'UnaryTests',
        contextTracker: trackVariables(context),
        dialect
    }).parse(expression);
}

class SyntaxError extends Error {
    constructor(message, details) {
        super(message);
        Object.assign(this, details);
    }
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function formatDetails(template, values) {
    return Object.keys(values).reduce((message, key) => {
        return message.replace(`{${key}}`, `'${formatValue(values[key])}'`);
    }, template);
}
class InterpreterContext {
    constructor() {
        this.warnings = [];
    }
    addWarning(node, type, details) {
        this.warnings.push({
            type,
            message: formatDetails(details.template, details.values),
            details,
            position: node.position
        });
    }
    getWarnings() {
        return this.warnings;
    }
}
class Interpreter {
    _buildExecutionTree(tree, input, interpreterContext) {
        const root = {
            args: [],
            node: {
                name: '__ROOT',
                input,
                position: {
                    from: 0,
                    to: input.length
                }
            }
        };
        const stack = [root];
        tree.iterate({
            enter(nodeRef) {
                const { isError, isSkipped } = nodeRef.type;
                if (isError) {
                    throw lintError(input, nodeRef);
                }
                if (isSkipped) {
                    return false;
                }
                const { from, to, name } = nodeRef;
                stack.push({
                    args: [],
                    node: {
                        name,
                        // materialize the node text only when actually inspected
                        // (operator dispatch, literals, error messages)
                        get input() {
                            return input.slice(from, to);
                        },
                        position: {
                            from,
                            to
                        }
                    }
                });
            },
            leave(nodeRef) {
                if (nodeRef.type.isSkipped) {
                    return;
                }
                const { node, args } = stack.pop();
                const parent = stack[stack.length - 1];
                const expr = evalNode(node, args, interpreterContext);
                parent.args.push(expr);
            }
        });
        return {
            root: root.args[root.args.length - 1]
        };
    }
    evaluate(expression, evalContext, dialect, interpreterContext) {
        const parseTree = parseExpression(expression, evalContext, dialect);
        const { root } = this._buildExecutionTree(parseTree, expression, interpreterContext);
        return {
            parseTree,
            root
        };
    }
    unaryTest(expression, evalContext, dialect, interpreterContext) {
        const parseTree = parseUnaryTests(expression, evalContext, dialect);
        const { root } = this._buildExecutionTree(parseTree, expression, interpreterContext);
        return {
            parseTree,
            root
        };
    }
}
const interpreter = new Interpreter();
const TEMPORAL_TYPES = new Set(['date', 'time', 'date time', 'duration']);
const NUMBER_ONLY = ['number'];
const FILTER_INDEX_TYPES = new Set(['number', 'boolean', 'any']);
const LIST_OR_RANGE = new Set(['list', 'range']);
function unaryTest(expression, evalContext = {}, dialect) {
    const interpreterContext = new InterpreterContext();
    evalContext = coerceContext(evalContext);
    const value = evalContext['?'] !== undefined ? evalContext['?'] : null;
    const { root } = interpreter.unaryTest(expression, evalContext, dialect, interpreterContext);
    // root = fn(ctx) => test(val)
    const test = root(evalContext);
    const testResult = test(value);
    return {
        value: testResult,
        warnings: interpreterContext.getWarnings()
    };
}
function evaluate(expression, evalContext = {}, dialect) {
    const interpreterContext = new InterpreterContext();
    evalContext = coerceContext(evalContext);
    const { root } = interpreter.evaluate(expression, evalContext, dialect, interpreterContext);
    // root = Expression :: fn(ctx)
    const result = root(evalContext);
    return {
        value: result,
        warnings: interpreterContext.getWarnings()
    };
}
// Baton: compiled FEEL (ADR 054) — the execution tree of an expression or of unary tests, built
// once and run against many contexts (lib/rules/feel-compiled.ts keeps them). The parse depends on
// the names in the context (the context tracker reads names with spaces), so the caller keys a
// compiled tree by its text and those names. A compiled tree collects no warnings (Baton reads none).
const SILENT_INTERPRETER_CONTEXT = {
    addWarning() { },
    getWarnings() {
        return [];
    }
};
function compile(expression, kind, evalContext = {}, dialect) {
    const parseTree = kind === 'unaryTests' ? parseUnaryTests(expression, evalContext, dialect) : parseExpression(expression, evalContext, dialect);
    return interpreter._buildExecutionTree(parseTree, expression, SILENT_INTERPRETER_CONTEXT).root;
}
/**
 * Deep-coerce raw Temporal and JS Date values in a user context into
 * FEEL-native wrapper values, so that consumers may pass either flavor.
 */
function coerceContext(value) {
    if (isArray(value)) {
        return value.map(coerceContext);
    }
    if (isContext(value)) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, coerceContext(entry)]));
    }
    return toFeel(value);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function evalNode(node, args, interpreterContext) {
    // resolve a raw function invocation result: emit the appropriate
    // warning for a failure signal and normalise it to `null`, so the
    // signal never leaks into an enclosing expression
    const resolveInvocation = (result) => {
        if (isInvocationFailure(result)) {
            interpreterContext.addWarning(node, result.warning, {
                template: result.template,
                values: result.values
            });
            return null;
        }
        return result;
    };
    switch (node.name) {
        case 'ArithOp': return (context) => {
            const invalidType = (opName, left, right) => {
                interpreterContext.addWarning(node, 'INVALID_TYPE', {
                    template: `Can't ${opName} {right} to {left}`,
                    values: {
                        left,
                        right
                    }
                });
            };
            const nullable = (op, opName, types = NUMBER_ONLY) => (a, b) => {
                const left = a(context);
                const right = b(context);
                if (isArray(left) || isArray(right)) {
                    invalidType(opName, left, right);
                    return null;
                }
                const leftType = getType(left);
                const rightType = getType(right);
                if (TEMPORAL_TYPES.has(leftType)) {
                    if (!TEMPORAL_TYPES.has(rightType)) {
                        invalidType(opName, left, right);
                        return null;
                    }
                }
                else if (leftType !== rightType || !types.includes(leftType)) {
                    invalidType(opName, left, right);
                    return null;
                }
                return op(left, right);
            };
            switch (node.input) {
                case '+': return nullable((a, b) => {
                    // flip these as temporal + duration operations aren't commutative
                    if (isDuration(a) && !isDuration(b)) {
                        const tmp = a;
                        a = b;
                        b = tmp;
                    }
                    if (isTemporal(a) && isDuration(b)) {
                        return addDuration(a, b, 1);
                    }
                    else if (isTemporal(a) && isTemporal(b)) {
                        return null;
                    }
                    else if (isDuration(a) && isDuration(b)) {
                        const result = addDurations(a, b, 1);
                        if (result === null) {
                            invalidType('add', a, b);
                        }
                        return result;
                    }
                    // Baton: numbers add in decimal; strings concatenate
                    return isNumber(a) ? addNumbers(a, b) : a + b;
                }, 'add', ['string', 'number', 'date', 'time', 'duration', 'date time']);
                case '-': return nullable((a, b) => {
                    if (isTemporal(a) && isDuration(b)) {
                        return addDuration(a, b, -1);
                    }
                    else if (isTemporal(a) && isTemporal(b)) {
                        return subtractTemporals(a, b);
                    }
                    else if (isDuration(a) && isDuration(b)) {
                        const result = addDurations(a, b, -1);
                        if (result === null) {
                            invalidType('subtract', a, b);
                        }
                        return result;
                    }
                    // Baton: decimal
                    return subtractNumbers(a, b);
                }, 'subtract', ['number', 'date', 'time', 'duration', 'date time']);
                // Baton: decimal; durations scale by numbers and divide by durations
                case '*': return (a, b) => {
                    const left = a(context);
                    const right = b(context);
                    if (isDuration(left) && isNumber(right)) {
                        return scaleDuration(left, right, false);
                    }
                    if (isNumber(left) && isDuration(right)) {
                        return scaleDuration(right, left, false);
                    }
                    return nullable(multiplyNumbers, 'multiply', ['number'])(() => left, () => right);
                };
                case '/': return (a, b) => {
                    const left = a(context);
                    const right = b(context);
                    if (isDuration(left) && isNumber(right)) {
                        return scaleDuration(left, right, true);
                    }
                    if (isDuration(left) && isDuration(right)) {
                        return divideDurations(left, right);
                    }
                    return nullable(divideNumbers, 'divide', ['number'])(() => left, () => right);
                };
                case '**':
                case '^': return nullable((a, b) => decimalOp(a, b, (x, y) => x.pow(y)), 'exponentiate', ['number']);
            }
        };
        case 'CompareOp': return tag(() => {
            switch (node.input) {
                case '>': return (b) => createRange(b, null, false, false);
                case '>=': return (b) => createRange(b, null, true, false);
                case '<': return (b) => createRange(null, b, false, false);
                case '<=': return (b) => createRange(null, b, false, true);
                case '=': return (b) => (a) => equals(a, b);
                case '!=': return (b) => (a) => {
                    const result = equals(a, b);
                    return result === null ? null : !result;
                };
            }
        }, 'test');
        case 'BacktickIdentifier': return node.input.replace(/`/g, '');
        case 'Wildcard': return (_context) => true;
        case 'null': return tag((_context) => {
            return null;
        }, 'nil');
        case 'Disjunction': return tag((context) => {
            const left = args[0](context);
            const right = args[2](context);
            const a = typeof left === 'boolean' ? left : null;
            const b = typeof right === 'boolean' ? right : null;
            // FEEL three-valued or
            if (a === true || b === true) {
                return true;
            }
            if (a === false && b === false) {
                return false;
            }
            return null;
        }, 'test');
        case 'Conjunction': return tag((context) => {
            const left = args[0](context);
            const right = args[2](context);
            const a = typeof left === 'boolean' ? left : null;
            const b = typeof right === 'boolean' ? right : null;
            // FEEL three-valued and
            if (a === false || b === false) {
                return false;
            }
            if (a === true && b === true) {
                return true;
            }
            return null;
        }, 'test');
        case 'Context': {
            const entries = args.slice(1, -1);
            return (context) => {
                // entries may reference earlier keys, so evaluate each against
                // the outer context plus the keys collected so far
                const merged = Object.assign({}, context);
                const result = {};
                for (const arg of entries) {
                    const [key, value] = arg(merged);
                    merged[key] = value;
                    result[key] = value;
                }
                return result;
            };
        }
        case 'FunctionBody': return args[0];
        case 'FormalParameters': return args;
        case 'FormalParameter': return args[0];
        case 'ParameterName': return args.join(' ');
        case 'FunctionDefinition': return (context) => {
            const parameterNames = args[2];
            const external = args[4] === 'external';
            if (external) {
                interpreterContext.addWarning(node, 'UNSUPPORTED', {
                    template: 'External functions are not supported',
                    values: {}
                });
                return null;
            }
            const fnBody = args[external ? 5 : 4];
            return wrapFunction((...args) => {
                const fnContext = parameterNames.reduce((context, name, idx) => {
                    // support positional parameters
                    context[name] = args[idx];
                    return context;
                }, Object.assign({}, context));
                return fnBody(fnContext);
            }, parameterNames);
        };
        case 'ContextEntry': return (context) => {
            const key = typeof args[0] === 'function' ? args[0](context) : args[0];
            const value = args[1](context);
            return [key, value];
        };
        case 'Key': return args[0];
        case 'Identifier': return node.input;
        case 'SpecialFunctionName': {
            // builtins are fixed; resolve once at build time
            const fn = getBuiltin(node.input);
            return () => fn;
        }
        // preserve spaces in name, but compact multiple
        // spaces into one (token)
        case 'Name': return node.input.replace(/\s{2,}/g, ' ');
        case 'PathName': return tag((context) => {
            const name = args.join(' ');
            const contextValue = getFromContext(name, context);
            if (typeof contextValue !== 'undefined') {
                return contextValue;
            }
            if (isContext(context)) {
                interpreterContext.addWarning(node, 'NO_CONTEXT_ENTRY_FOUND', {
                    template: `Key '${name}' not found in {target}`,
                    values: {
                        target: context
                    }
                });
            }
            else {
                interpreterContext.addWarning(node, 'NO_PROPERTY_FOUND', {
                    template: `Property '${name}' not found in {target}`,
                    values: {
                        target: context
                    }
                });
            }
            return null;
        }, 'any');
        case 'VariableName': {
            const name = args.join(' ');
            // builtins are fixed; resolve the fallback once at build time
            const builtin = getBuiltin(name);
            return tag((context) => {
                const contextValue = getFromContext(name, context);
                if (typeof contextValue !== 'undefined') {
                    return contextValue;
                }
                if (builtin) {
                    return builtin;
                }
                interpreterContext.addWarning(node, 'NO_VARIABLE_FOUND', {
                    template: `Variable '${name}' not found`,
                    values: {}
                });
                return null;
            }, 'any');
        }
        case 'QualifiedName': return {
            kind: 'name',
            name: normalizeTypeName(node.input),
            // fall back to a user-provided constructor / value resolved from
            // context, preserving the historic `x instance of SomeClass` behavior
            resolve: (context) => args.reduce((context, arg) => typeof arg === 'function' ? arg(context) : context, context)
        };
        case '?': return (context) => getFromContext('?', context);
        // expression
        // expression ".." expression
        case 'IterationContext': return (context) => {
            const a = args[0](context);
            const b = args[2] && args[2](context);
            return b ? createRange(a, b) : a;
        };
        case 'Type': return args[0];
        // (x in [ [1,2], [3,4] ]), (y in x)
        case 'InExpressions': return (context) => {
            // we build up evaluation contexts from left to right,
            // ending up with the cartesian product over all available contexts
            //
            // previous context is provided to later context providers
            // producing <null> as a context during evaluation causes the
            // whole result to turn <null>
            const isValidContexts = (contexts) => {
                if (contexts === null || contexts.some(arr => getType(arr) === 'nil')) {
                    return false;
                }
                return true;
            };
            const join = (aContexts, bContextProducer) => {
                const result = [];
                for (const aContext of aContexts) {
                    const bContexts = bContextProducer(Object.assign(Object.assign({}, context), aContext));
                    if (!isValidContexts(bContexts)) {
                        return null;
                    }
                    for (const bContext of bContexts) {
                        result.push(Object.assign(Object.assign({}, aContext), bContext));
                    }
                }
                return result;
            };
            const cartesian = (aContexts, bContextProducer, ...otherContextProducers) => {
                if (!isValidContexts(aContexts)) {
                    return null;
                }
                if (!bContextProducer) {
                    return aContexts;
                }
                return cartesian(join(aContexts, bContextProducer), ...otherContextProducers);
            };
            const cartesianProduct = (contextProducers) => {
                const [aContextProducer, ...otherContextProducers] = contextProducers;
                const aContexts = aContextProducer(context);
                return cartesian(aContexts, ...otherContextProducers);
            };
            const product = cartesianProduct(args);
            return product && product.map(p => {
                return Object.assign(Object.assign({}, context), p);
            });
        };
        // Name kw<"in"> Expr
        case 'InExpression': return (context) => {
            return extractValue(context, args[0], args[2]);
        };
        case 'SpecialType': return {
            kind: 'name',
            name: normalizeTypeName(node.input)
        };
        case 'ListType': return {
            kind: 'list',
            element: args.find(isTypeDescriptor)
        };
        case 'ContextType': return {
            kind: 'context',
            entries: args.find(Array.isArray) || []
        };
        case 'ContextEntryTypes': return args.filter(arg => arg && arg.name);
        case 'ContextEntryType': return {
            name: args[0],
            type: args.find(isTypeDescriptor)
        };
        case 'FunctionType': return {
            kind: 'function'
        };
        case 'InstanceOfExpression': return tag((context) => {
            const value = args[0](context);
            return matchesType(value, args[3], context);
        }, 'test');
        case 'every': return tag((context) => {
            return (_contexts, _condition) => {
                const contexts = _contexts(context);
                if (getType(contexts) !== 'list') {
                    return contexts;
                }
                return contexts.every(ctx => isTruthy(_condition(ctx)));
            };
        }, 'test');
        case 'some': return tag((context) => {
            return (_contexts, _condition) => {
                const contexts = _contexts(context);
                if (getType(contexts) !== 'list') {
                    return contexts;
                }
                return contexts.some(ctx => isTruthy(_condition(ctx)));
            };
        }, 'test');
        case 'NumericLiteral': {
            // parse once at build time, not per evaluation
            // Baton: the literal's decimal value (a JavaScript number up to 15 digits)
            const text = node.input;
            const value = text.length <= 15 ? Number(text) : feelNumber(text);
            return constant(value, 'number');
        }
        case 'BooleanLiteral': {
            const value = node.input === 'true';
            return constant(value, 'boolean');
        }
        case 'StringLiteral': {
            const value = parseString(node.input);
            return constant(value, 'string');
        }
        case 'PositionalParameters': {
            // constant parameters: enable constant folding of the enclosing
            // invocation (e.g. date("2026-12-12"))
            if (args.every(isConstant)) {
                return constant(args.map(arg => arg.constantValue), 'parameters');
            }
            return (context) => args.map(arg => arg(context));
        }
        case 'NamedParameter': return (context) => {
            const name = args[0];
            const value = args[1](context);
            return [name, value];
        };
        case 'NamedParameters': return (context) => args.reduce((args, arg) => {
            const [name, value] = arg(context);
            args[name] = value;
            return args;
        }, {});
        case 'DateTimeConstructor':
            // date / time / date and time / duration are pure builtins, resolved
            // independent of the evaluation context
            return constant(getBuiltin(node.input), 'function');
        case 'DateTimeLiteral': {
            // fold constant constructor invocations, e.g. date("2026-12-12")
            if (args.length !== 1 && isConstant(args[0]) && isConstant(args[2])) {
                const wrappedFn = wrapFunction(args[0].constantValue);
                if (wrappedFn) {
                    const result = wrappedFn.invoke(args[2].constantValue);
                    // keep the runtime path (and its warning) on invocation failure
                    if (!isInvocationFailure(result)) {
                        return constant(result, 'date');
                    }
                }
            }
            return tag((context) => {
                // AtLiteral
                if (args.length === 1) {
                    return args[0](context);
                }
                // FunctionInvocation
                else {
                    const target = args[0](context);
                    const wrappedFn = wrapFunction(target);
                    if (!wrappedFn) {
                        interpreterContext.addWarning(node, 'NO_FUNCTION_FOUND', {
                            template: 'Cannot invoke {target}',
                            values: {
                                target
                            }
                        });
                        return null;
                    }
                    const contextOrArgs = args[2](context);
                    const result = wrappedFn.invoke(contextOrArgs);
                    return resolveInvocation(result);
                }
            }, 'date');
        }
        case 'AtLiteral': {
            const arg = args[0];
            // fold constant @"..." literals: parse once at build time
            if (isConstant(arg)) {
                const wrappedFn = wrapFunction(getBuiltin('@'));
                if (wrappedFn) {
                    const value = wrappedFn.invoke([arg.constantValue]);
                    // keep the runtime path (and its warning) on invocation failure
                    if (!isInvocationFailure(value)) {
                        return constant(value, 'date');
                    }
                }
            }
            // builtins are fixed; resolve and wrap '@' once at build time
            const wrappedFn = wrapFunction(getBuiltin('@'));
            return tag((context) => {
                if (!wrappedFn) {
                    interpreterContext.addWarning(node, 'NO_FUNCTION_FOUND', {
                        template: "Cannot invoke '@'",
                        values: {}
                    });
                    return null;
                }
                return resolveInvocation(wrappedFn.invoke([arg(context)]));
            }, 'date');
        }
        case 'FunctionInvocation': return tag((context) => {
            const target = args[0](context);
            const wrappedFn = wrapFunction(target);
            if (!wrappedFn) {
                interpreterContext.addWarning(node, 'NO_FUNCTION_FOUND', {
                    template: 'Cannot invoke {target}',
                    values: {
                        target
                    }
                });
                return null;
            }
            const contextOrArgs = args[2](context);
            const result = wrappedFn.invoke(contextOrArgs);
            return resolveInvocation(result);
        }, 'any');
        case 'IfExpression': return (function () {
            const ifCondition = args[1];
            const thenValue = args[3];
            const elseValue = args[5];
            const type = coalecenseTypes(thenValue, elseValue);
            return tag((context) => {
                if (isTruthy(ifCondition(context))) {
                    return thenValue(context);
                }
                else {
                    return elseValue ? elseValue(context) : null;
                }
            }, type);
        })();
        case 'Parameters': return args.length === 3 ? args[1] : (_context) => [];
        case 'Comparison': return tag((context) => {
            const operator = args[1];
            // expression !compare kw<"in"> PositiveUnaryTest |
            // expression !compare kw<"in"> !unaryTest "(" PositiveUnaryTests ")"
            if (operator === 'in') {
                return compareIn(args[0](context), (args[3] || args[2])(context));
            }
            // expression !compare kw<"between"> expression kw<"and"> expression
            if (operator === 'between') {
                const start = args[2](context);
                const end = args[4](context);
                if (start === null || end === null) {
                    return null;
                }
                return createRange(start, end).includes(args[0](context));
            }
            // expression !compare CompareOp<"=" | "!="> expression |
            // expression !compare CompareOp<Gt | Gte | Lt | Lte> expression |
            const left = args[0](context);
            const right = args[2](context);
            const test = operator()(right);
            return compareValue(test, left);
        }, 'test');
        case 'QuantifiedExpression': return tag((context) => {
            const testFn = args[0](context);
            const contexts = args[1];
            const condition = args[3];
            return testFn(contexts, condition);
        }, 'test');
        // DMN 1.2 - 10.3.2.14
        // kw<"for"> commaSep1<InExpression<IterationContext>> kw<"return"> expression
        case 'ForExpression': return (context) => {
            const extractor = args[args.length - 1];
            const iterationContexts = args[1](context);
            if (getType(iterationContexts) !== 'list') {
                return iterationContexts;
            }
            const partial = [];
            for (const ctx of iterationContexts) {
                // iteration contexts are fresh objects (created by InExpressions),
                // so expose the partial results by mutation instead of copying
                // the context per iteration
                ctx.partial = partial;
                partial.push(extractor(ctx));
            }
            return partial;
        };
        case 'ArithmeticExpression': return (function () {
            // binary expression (a + b)
            if (args.length === 3) {
                const [a, op, b] = args;
                return tag((context) => {
                    return op(context)(a, b);
                }, coalecenseTypes(a, b));
            }
            // unary expression (-b)
            if (args.length === 2) {
                const [op, value] = args;
                return tag((context) => {
                    return op(context)(() => 0, value);
                }, value.type);
            }
        })();
        case 'PositiveUnaryTest': return (context) => {
            // ensure that we strictly compare boolean values
            // with the implicit context value, if we match a unary test
            if (args[0].type === 'boolean' && has$1(context, '?')) {
                return args[0](context) === context['?'];
            }
            return args[0](context);
        };
        case 'ParenthesizedExpression': return args[1];
        // expr "."" pathName
        case 'PathExpression': return tag((context) => {
            const pathTarget = args[0](context);
            // PathName
            const pathProp = args[2];
            if (isArray(pathTarget)) {
                return pathTarget.map(value => pathProp(value));
            }
            else {
                return pathProp(pathTarget);
            }
        }, 'any');
        // expression !filter "[" expression "]"
        case 'FilterExpression': return tag((context) => {
            const target = args[0](context);
            const filterFn = args[2];
            const filterTarget = isArray(target) ? target : [target];
            // null[..]
            if (target === null) {
                return null;
            }
            const type = filterFn.type;
            // a[1]
            // a[true]
            // a[b]
            // a[b()]
            // a[1 + 3]
            if (FILTER_INDEX_TYPES.has(type)) {
                const idx = filterFn(context);
                if (isBoolean(idx)) {
                    if (idx === true) {
                        return target;
                    }
                    else {
                        return [];
                    }
                }
                if (!isNumber(idx)) {
                    return [];
                }
                // Baton: an index is a JavaScript number
                const index = toJsNumber(idx);
                const value = filterTarget[index < 0 ? filterTarget.length + index : index - 1];
                if (typeof value === 'undefined') {
                    return null;
                }
                else {
                    return value;
                }
            }
            // TODO(nikku): not covered by spec
            // a["attr"]
            if (type === 'string') {
                const value = filterFn(context);
                return filterTarget.filter(el => el === value);
            }
            // a[b=c]
            // a[>10]
            if (type === 'test') {
                return filterTarget.map(el => {
                    // Baton: only a context's entries become names (a decimal's fields must not)
                    const iterationContext = Object.assign(Object.assign(Object.assign({}, context), { item: el }), isContext(el) ? el : null);
                    let result = filterFn(iterationContext);
                    // test is fn(val) => boolean SimpleUnaryTest
                    if (typeof result === 'function') {
                        result = result(el);
                    }
                    if (isRange(result)) {
                        result = result.includes(el);
                    }
                    if (result === true) {
                        return el;
                    }
                    return result;
                }).filter(isTruthy);
            }
            // a[null]
            // a[@"2026-12-12"]
            return null;
        }, 'any');
        case 'SimplePositiveUnaryTest': return tag((context) => {
            // <Interval>
            if (args.length === 1) {
                return args[0](context);
            }
            // <CompareOp> <Expr>
            return args[0](context)(args[1](context));
        }, 'test');
        case 'List': {
            const elements = args.slice(1, -1);
            return (context) => {
                return elements.map(arg => arg(context));
            };
        }
        // "[" endpoint ".." endpoint "]"
        case 'Interval': {
            const startBracket = args[0] === '[';
            const endBracket = args[4] === ']';
            return tag((context) => {
                const left = args[1](context);
                const right = args[3](context);
                const startIncluded = left !== null && startBracket;
                const endIncluded = right !== null && endBracket;
                return createRange(left, right, startIncluded, endIncluded);
            }, 'test');
        }
        case 'PositiveUnaryTests':
        case 'Expressions': return (context) => {
            return args.map(a => a(context));
        };
        case 'Expression': return (context) => {
            return args[0](context);
        };
        case 'UnaryTests': {
            const negate = args[0] === 'not';
            const tests = negate ? args.slice(2, -1) : args;
            return (context) => {
                return (value = null) => {
                    const matches = tests.map(test => test(context)).flat(1).map(test => {
                        if (isArray(test)) {
                            // Baton: FEEL equality (decimals, temporals)
                            return test.some(t => t === value || (t !== null && value !== null && equals(t, value) === true));
                        }
                        if (typeof test === 'boolean') {
                            return test;
                        }
                        return compareValue(test, value);
                    }).some(v => v === true);
                    return matches === null ? null : (negate ? !matches : matches);
                };
            };
        }
        default: return node.name;
    }
}
function getBuiltin(name, _context) {
    return getFromContext(name, builtins);
}
function extractValue(context, prop, _target) {
    const target = _target(context);
    if (LIST_OR_RANGE.has(getType(target))) {
        return target.map(t => ({ [prop]: t }));
    }
    return null;
}
function compareIn(value, tests) {
    if (!isArray(tests)) {
        if (getType(tests) === 'nil') {
            return null;
        }
        tests = [tests];
    }
    // three-valued membership: a matching test wins, otherwise any
    // incomparable (null) test makes the whole result unknown (null)
    let unknown = false;
    for (const test of tests) {
        let result = compareValue(test, value);
        // scalar equality is two-valued in a membership test: an
        // incomparable (null) comparison of plain values means not equal
        if (result === null && !isRange(test) && typeof test !== 'function') {
            result = false;
        }
        if (result === true) {
            return true;
        }
        if (result === null) {
            unknown = true;
        }
    }
    return unknown ? null : false;
}
function compareValue(test, value) {
    if (typeof test === 'function') {
        return test(value);
    }
    if (isRange(test)) {
        return test.includes(value);
    }
    return equals(test, value);
}
function coalecenseTypes(a, b) {
    if (!b) {
        return a.type;
    }
    if (a.type === b.type) {
        return a.type;
    }
    return 'any';
}
function tag(fn, type) {
    return Object.assign(fn, {
        type,
        toString() {
            return `TaggedFunction[${type}] ${Function.prototype.toString.call(fn)}`;
        }
    });
}
/**
 * A tagged evaluation function for a value known at build time; the
 * `constantValue` marker lets enclosing nodes (e.g. AtLiteral) fold
 * themselves at build time, too.
 */
function constant(value, type) {
    return Object.assign(tag(() => value, type), {
        constantValue: value
    });
}
/**
 * Whether an evaluation function carries a build-time constant value.
 */
function isConstant(fn) {
    return 'constantValue' in fn;
}
function isTruthy(obj) {
    return obj !== false && obj !== null;
}
// instance of //////////////////////////////////////////////////////
/**
 * A parsed FEEL type, as it appears on the right-hand side of an
 * `instance of` expression.
 *
 * @typedef {(
 *   { kind: 'name', name: string, resolve?: (context) => any } |
 *   { kind: 'list', element: TypeDescriptor } |
 *   { kind: 'context', entries: { name: string, type: TypeDescriptor }[] } |
 *   { kind: 'function' }
 * )} TypeDescriptor
 */
const anyType = (value) => getType(value) !== 'nil';
/**
 * Predicates for the named FEEL types, all built on the {@link getType}
 * oracle (the single source of truth for type identity). The two duration
 * variants additionally inspect the duration's kind.
 */
const NAMED_TYPE_CHECKS = {
    'Any': anyType,
    'Null': (value) => value === null,
    'number': (value) => getType(value) === 'number',
    'string': (value) => getType(value) === 'string',
    'boolean': (value) => getType(value) === 'boolean',
    'date': (value) => getType(value) === 'date',
    'time': (value) => getType(value) === 'time',
    'date and time': (value) => getType(value) === 'date time',
    'duration': (value) => getType(value) === 'duration',
    'days and time duration': (value) => isDuration(value) && !value.yearsMonths,
    'years and months duration': (value) => isDuration(value) && value.yearsMonths,
    'context': (value) => getType(value) === 'context',
    'list': (value) => getType(value) === 'list',
    'range': (value) => getType(value) === 'range',
    'function': (value) => getType(value) === 'function'
};
function normalizeTypeName(name) {
    return name.replace(/\s+/g, ' ').trim();
}
function isTypeDescriptor(obj) {
    return obj && typeof obj === 'object' && typeof obj.kind === 'string';
}
/**
 * Whether `value` is an instance of the given FEEL type, per the DMN
 * `instance of` operator. Composite types (`list<T>`, `context<...>`) are
 * matched structurally; named types delegate to {@link getType}, and an
 * unknown name falls back to a JavaScript constructor resolved from the
 * evaluation context.
 */
function matchesType(value, descriptor, context) {
    if (!isTypeDescriptor(descriptor)) {
        return false;
    }
    switch (descriptor.kind) {
        case 'name': {
            const check = NAMED_TYPE_CHECKS[descriptor.name];
            if (check) {
                return check(value);
            }
            const target = descriptor.resolve ? descriptor.resolve(context) : null;
            return typeof target === 'function' && value instanceof target;
        }
        case 'list':
            return getType(value) === 'list' && value.every(element => matchesType(element, descriptor.element, context));
        case 'context':
            return getType(value) === 'context' && descriptor.entries.every(({ name, type }) => has$1(value, name) && matchesType(value[name], type, context));
        case 'function':
            return getType(value) === 'function';
    }
    return false;
}
function parseString(str) {
    if (str.startsWith('"')) {
        str = str.slice(1);
    }
    if (str.endsWith('"')) {
        str = str.slice(0, -1);
    }
    return str.replace(/(\\")|(\\\\)|(\\n)|(\\r)|(\\t)|(\\u[a-fA-F0-9]{5,6})|((?:\\u[a-fA-F0-9]{1,4})+)/ig, function (substring, ...groups) {
        const [quotes, backslash, newline, carriageReturn, tab, codePoint, charCodes] = groups;
        if (quotes) {
            return '"';
        }
        if (newline) {
            return '\n';
        }
        if (carriageReturn) {
            return '\r';
        }
        if (tab) {
            return '\t';
        }
        if (backslash) {
            return '\\';
        }
        const escapePattern = /\\u([a-fA-F0-9]+)/ig;
        if (codePoint) {
            const codePointMatch = escapePattern.exec(codePoint);
            return String.fromCodePoint(parseInt(codePointMatch[1], 16));
        }
        if (charCodes) {
            const chars = [];
            let charCodeMatch;
            while ((charCodeMatch = escapePattern.exec(substring)) !== null) {
                chars.push(parseInt(charCodeMatch[1], 16));
            }
            return String.fromCharCode(...chars);
        }
        throw new Error('illegal match');
    });
}
function lintErrorDetails(errorNodeRef) {
    const node = errorNodeRef.node;
    const parent = node.parent;
    const { from, to } = node;
    if (node.from !== node.to) {
        return {
            message: `Unrecognized token in <${parent.name}>`,
            position: {
                from,
                to
            }
        };
    }
    const next = findNext(node);
    if (next) {
        return {
            message: `Unrecognized token <${next.name}> in <${parent.name}>`,
            position: {
                from: next.from,
                to: next.to
            }
        };
    }
    else {
        const unfinished = parent.enterUnfinishedNodesBefore(errorNodeRef.to);
        return {
            message: `Incomplete <${(unfinished || parent).name}>`,
            position: {
                from,
                to
            }
        };
    }
}
function lintError(input, errorNodeRef) {
    const { message, position } = lintErrorDetails(errorNodeRef);
    return new SyntaxError(message, {
        input: input.slice(position.from, position.to),
        position
    });
}
function findNext(nodeRef) {
    const node = nodeRef.node;
    let next, parent = node;
    do {
        next = parent.nextSibling;
        if (next) {
            return next;
        }
        parent = parent.parent;
    } while (parent);
    return null;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function formatValue(value) {
    const type = getType(value);
    if (type === 'string') {
        return `"${String(value)}"`;
    }
    if (type === 'list') {
        return `[${value.length} items]`;
    }
    if (type === 'context') {
        return '{...}';
    }
    if (type === 'function') {
        const parameterNames = value.parameterNames;
        if (parameterNames) {
            return `function(${parameterNames.join(', ')})`;
        }
        return 'function';
    }
    if (type === 'nil') {
        return 'null';
    }
    return String(value);
}

export { FeelDate, FeelDateTime, FeelDecimal, FeelDuration, FeelFunction, FeelRange, FeelTime, SyntaxError, coerceContext, compareNumbers, compile, date, feelNumber, isNumber, toJsNumber, dateAndTime, duration, evaluate, isFunction, isRange, now, parseDate, parseDateTime, parseExpression, parseTime, parseUnaryTests, time, toFeel, today, unaryTest };
