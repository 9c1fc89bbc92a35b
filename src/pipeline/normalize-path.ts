/**
 * The path routes are matched against, normalised the way upstream servers commonly read
 * it, so a client cannot slip past a route's limits by spelling the path differently:
 * percent-decoding ("/v1/%63ontacts"), empty segments ("/v1//contacts") and dot segments
 * ("/v1/x/../contacts", RFC 3986 section 5.2.4). Returns undefined for malformed
 * percent-encoding, which the pipeline refuses with 400. An encoded "/" (%2F) stays encoded,
 * so it can never create a segment boundary the upstream does not see.
 */
export function normalizePath(path: string): string | undefined {
  if (!path.includes('%') && !path.includes('//') && !path.includes('/.')) return path;
  const out: string[] = [];
  for (const raw of path.split('/')) {
    let segment: string;
    try {
      segment = raw.includes('%') ? decodeURIComponent(raw.replace(/%2f/gi, '%252F')) : raw;
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const trailing = path.endsWith('/') && out.length > 0 ? '/' : '';
  return `/${out.join('/')}${trailing}`;
}
