/** Renders a path of keys/indices as a JSONPath string: `$.schedule.expression`, `$.tasks[0].id`, `$['a b']`. */
export function toJsonPath(path: readonly PropertyKey[], root = '$'): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += `.${key}`;
    // RFC 9535 normalized paths quote member names with single quotes, escaping backslash and quote.
    else out += `['${String(key).replace(/[\\']/g, '\\$&')}']`;
  }
  return out;
}
