/** Freezes a plain-data value and everything it holds, so a configuration snapshot handed
 * to many modules cannot be edited by one of them behind the others' backs. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
