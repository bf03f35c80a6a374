// Request bodies and query strings are validated against openapi/*.yaml before a route runs (openapi.ts);
// what is left here are the checks a route makes on path parameters.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
