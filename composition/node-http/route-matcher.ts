import type { RouteDefinition } from '../../api/http/route-definition.js';

export interface CompiledRoute {
  definition: RouteDefinition;
  pattern: RegExp;
  paramNames: string[];
}

/** Compiles the Functions route syntax (`v1/jobs/{job_id}/status`) into a matcher. */
export function compileRoutes(routes: readonly RouteDefinition[]): CompiledRoute[] {
  return routes.map((definition) => {
    const paramNames: string[] = [];
    const source = definition.route
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (param) {
          paramNames.push(param[1]!);
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { definition, pattern: new RegExp(`^/${source}/?$`), paramNames };
  });
}

export type RouteMatch =
  | { kind: 'found'; route: CompiledRoute; params: Record<string, string> }
  /** The path is a route's (the first that has it), the method none of theirs. */
  | { kind: 'wrong-method'; route: CompiledRoute; allowed: string[] }
  | { kind: 'none' };

export function matchRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  let pathOf: CompiledRoute | undefined;
  // A path a route names literally is that route's: `/v1/bulk/cancel` is not an operation id
  // for `v1/bulk/{operation_id}`. Of the routes that match, those with the fewest parameters count.
  const matching = routes.filter((route) => route.pattern.test(path));
  const fewest = Math.min(...matching.map((route) => route.paramNames.length));
  for (const route of matching) {
    if (route.paramNames.length > fewest) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (!route.definition.methods.includes(method as never)) {
      allowed.push(...route.definition.methods);
      pathOf ??= route;
      continue;
    }
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => {
      params[name] = safeDecode(match[i + 1]!);
    });
    return { kind: 'found', route, params };
  }
  return pathOf ? { kind: 'wrong-method', route: pathOf, allowed } : { kind: 'none' };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
