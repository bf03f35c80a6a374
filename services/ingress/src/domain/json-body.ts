// Turns verified raw bytes into a JSON value, refusing what PostgreSQL or the signature could not
// stand behind: bytes that are not UTF-8 and nesting deeper than any real webhook needs.
import { badRequest } from '@hookway/http';

const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string): never {
  throw badRequest('INVALID_PAYLOAD', message, { errors: [{ path: '/', message }] });
}

export function decodeBody(rawBody: Buffer): string {
  try {
    return utf8.decode(rawBody);
  } catch {
    return invalid('body is not valid UTF-8');
  }
}

export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('body is not valid JSON');
  }
  if (depthOf(value) > MAX_DEPTH) invalid(`body is nested deeper than ${MAX_DEPTH} levels`);
  return value;
}

/** Nesting depth without recursion, so a hostile body cannot exhaust the stack. */
function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}
