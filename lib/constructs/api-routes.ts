import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { RouteDefinition } from '../../lambdas/handlers/routes.js';

/** Options shared by every generated method. */
export interface RouteMethodOptions {
  /** The (proxy) integration every route is sent to. */
  readonly integration: apigw.Integration;
  /** Validator checking required path parameters (and bodies, where a model is attached). */
  readonly requestValidator: apigw.IRequestValidator;
}

/**
 * Path segments of a route, e.g. `/v1/jobs/{jobId}/pause` → `['v1', 'jobs', '{jobId}', 'pause']`.
 * A colon is part of the segment (`jobs:batch`): API Gateway and CDK both accept `:` in a path part, so a custom
 * method in the Google AIP-136 style is simply a sibling resource of `jobs`.
 */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

/** Path parameter names of a route, e.g. `/v1/jobs/{jobId}` → `['jobId']`. */
export function pathParameters(path: string): string[] {
  return pathSegments(path)
    .filter((segment) => segment.startsWith('{') && segment.endsWith('}'))
    .map((segment) => segment.slice(1, -1));
}

/** The resource for a path under `root`, created segment by segment where it does not exist yet. */
export function resourceFor(root: apigw.IResource, path: string): apigw.IResource {
  return pathSegments(path).reduce<apigw.IResource>(
    (parent, segment) => parent.getResource(segment) ?? parent.addResource(segment),
    root,
  );
}

/**
 * Adds one API Gateway method for a route: SigV4 (`AWS_IAM`) authorization unless the route is `public`, its
 * path parameters marked required, and the route's operation id as the method's operation name.
 */
export function addRouteMethod(
  root: apigw.IResource,
  route: RouteDefinition,
  options: RouteMethodOptions,
): apigw.Method {
  const requestParameters = Object.fromEntries(
    pathParameters(route.path).map((name) => [`method.request.path.${name}`, true]),
  );
  return resourceFor(root, route.path).addMethod(route.method, options.integration, {
    authorizationType: route.role === 'public' ? apigw.AuthorizationType.NONE : apigw.AuthorizationType.IAM,
    operationName: route.operationId,
    requestValidator: options.requestValidator,
    requestParameters,
  });
}
