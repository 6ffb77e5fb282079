/** One problem with one field of a document, kubectl style: `spec.tool.args[1]` and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** The path of a child field: `.name` for a property, `[i]` for a list item, `[key]` for a map entry. */
export function childPath(parent: string, key: string | number, isMapKey = false): string {
  if (typeof key === 'number' || isMapKey) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}
