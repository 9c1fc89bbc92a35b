/**
 * A Host header value (RFC 9110 §7.2: uri-host [":" port]) in one spelling, so two spellings of
 * the same target compare equal: lowercase, IPv6 compressed, http's default port 80 dropped (the
 * WHATWG URL host serialisation). No userinfo, path or scheme: those are not a Host.
 * The pattern: a name or IPv4 literal, or a bracketed IPv6 literal, then an optional port.
 */
const HOST_RE = /^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/** `host` normalised as a URL's host (lowercase, IPv6 compressed, port 80 dropped); undefined when it is not a host. */
export function normalHost(host: string): string | undefined {
  if (!HOST_RE.test(host)) return undefined;
  try {
    return new URL(`http://${host}/`).host;
  } catch {
    return undefined;
  }
}
