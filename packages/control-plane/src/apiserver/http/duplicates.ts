/**
 * Duplicate keys in a JSON text (which JSON.parse silently resolves to the last one), as
 * dotted paths: `fieldValidation=Strict` rejects them and `Warn` reports them, as
 * kube-apiserver does. A single pass over the text; strings are skipped with their escapes.
 */

interface Frame {
  readonly keys: Set<string> | undefined;
  readonly path: string;
  /** The key just read in this object, which the next value belongs to. */
  pendingKey: string | undefined;
  index: number;
}

/** The paths of keys that appear twice in the same object. */
export function duplicateFields(text: string): string[] {
  const out: string[] = [];
  const stack: Frame[] = [];
  let i = 0;
  const childPath = (frame: Frame | undefined): string => {
    if (frame === undefined) return '';
    if (frame.keys === undefined) return `${frame.path}[${frame.index}]`;
    const key = frame.pendingKey ?? '';
    return frame.path === '' ? key : `${frame.path}.${key}`;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          value += text.slice(j, j + 2);
          j += 2;
        } else {
          value += text[j];
          j += 1;
        }
      }
      const top = stack[stack.length - 1];
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k] as string)) k++;
      if (top?.keys !== undefined && text[k] === ':') {
        let key = value;
        try {
          key = JSON.parse(`"${value}"`) as string;
        } catch {
          // Malformed escapes: JSON.parse reports the body later.
        }
        if (top.keys.has(key)) out.push(top.path === '' ? key : `${top.path}.${key}`);
        top.keys.add(key);
        top.pendingKey = key;
      }
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      stack.push({ keys: c === '{' ? new Set() : undefined, path: childPath(parent), pendingKey: undefined, index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.keys === undefined) top.index += 1;
    }
    i += 1;
  }
  return out;
}
