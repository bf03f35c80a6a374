// Turns verified raw bytes into a JSON value, refusing what PostgreSQL or the signature could not
// stand behind: bytes that are not UTF-8 and nesting deeper than any real webhook needs.
import { InvalidPayloadError } from './intake-errors.js';

const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string): never {
  throw new InvalidPayloadError(message, [{ path: '/', message }]);
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

/** Nesting depth without recursion, so a hostile body cannot exhaust the stack. Only containers are visited. */
function depthOf(root: unknown): number {
  if (root === null || typeof root !== 'object') return 0;
  let deepest = 0;
  const containers: object[] = [root];
  const depths: number[] = [1];
  while (containers.length > 0) {
    const container = containers.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop() as number;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > MAX_DEPTH) return deepest;
    }
    const children = Array.isArray(container) ? container : Object.values(container);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        containers.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return deepest;
}
