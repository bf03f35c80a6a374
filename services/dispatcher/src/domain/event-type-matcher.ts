// Which event types an integration subscribes to. Patterns are dot-segmented like the types:
//   "order.created"  exact match;
//   "*"              alone: every event type (what Svix/Convoy users mean by a catch-all);
//   "order.*"        `*` matches within ONE segment: order.created, not order.item.created;
//   "order.**"       `**` matches across dots: order.created and order.item.created;
//   "*.created", "order.create*" wildcards may sit anywhere inside a segment.
// Matching is case-sensitive, as event types are.

const MAX_CACHED = 1_000;
const compiled = new Map<string, RegExp>();

function toRegExp(pattern: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        source += '.*';
        i += 1;
      } else {
        source += '[^.]*';
      }
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const regExp = new RegExp(`^${source}$`);
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(pattern, regExp);
  return regExp;
}

export function matchesEventType(pattern: string, eventType: string): boolean {
  if (pattern === '*' || pattern === '**') return true;
  if (!pattern.includes('*')) return pattern === eventType;
  return toRegExp(pattern).test(eventType);
}

/** True when any of an integration's patterns selects the event type. */
export function subscribesTo(patterns: readonly string[], eventType: string): boolean {
  return patterns.some((pattern) => matchesEventType(pattern, eventType));
}
