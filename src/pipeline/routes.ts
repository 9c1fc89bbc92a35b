import type { CompiledRoute } from '../policy/types.ts';

/** First route in policy order whose method and path match wins. */
export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): CompiledRoute | undefined {
  const m = method.toUpperCase();
  for (const route of routes) {
    if (route.methods !== '*' && !route.methods.includes(m)) continue;
    if (route.matchPath(path)) return route;
  }
  return undefined;
}
