/**
 * Whether a response's body is JSON the egress filter can read: asked before filtering by the
 * pipeline's value path (Pipeline.respond), the gateway and the adapters alike.
 * application/json or any structured +json type (RFC 6839 section 3.1), parameters ignored.
 */
export function isJson(contentType: string | string[] | undefined): boolean {
  const value = joined(contentType);
  if (value === undefined) return false;
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.includes('/') && type.endsWith('+json'));
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
