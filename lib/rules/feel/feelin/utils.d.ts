export declare function notImplemented(thing: any): Error;
export declare function isNotImplemented(err: any): boolean;
/**
 * Whether `context` exposes `name` to FEEL: an own property, or a
 * prototype getter (read-only view).
 *
 * @param {Record<string, any>} context
 * @param {string} name
 *
 * @return {boolean}
 */
export declare function has(context: any, name: any): boolean;
export declare function getFromContext(name: any, context: any): any;
