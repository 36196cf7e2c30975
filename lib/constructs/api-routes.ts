import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { RouteDefinition } from '../../lambdas/handlers/routes.js';

/** Options shared by every generated method. */
export interface RouteMethodOptions {
  /** The (proxy) integration every route is sent to. */
  readonly integration: apigw.Integration;
  /** Validator checking required path parameters (and bodies, where a model is attached). */
  readonly requestValidator: apigw.IRequestValidator;
  /** Cognito user pool authorizer of every non-public route. @default - SigV4 (`AWS_IAM`) */
  readonly authorizer?: apigw.IAuthorizer;
  /** `application/json` body models by operation id (routes without one get no body check). @default {} */
  readonly bodyModels?: Readonly<Record<string, apigw.IModel>>;
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
 * Adds one API Gateway method for a route: SigV4 (`AWS_IAM`) or the Cognito authorizer unless the route is
 * `public`, its path parameters marked required, its body model, and the route's operation id as operation name.
 */
export function addRouteMethod(
  root: apigw.IResource,
  route: RouteDefinition,
  options: RouteMethodOptions,
): apigw.Method {
  const requestParameters = Object.fromEntries(
    pathParameters(route.path).map((name) => [`method.request.path.${name}`, true]),
  );
  const model = options.bodyModels?.[route.operationId];
  const isPublic = route.role === 'public';
  return resourceFor(root, route.path).addMethod(route.method, options.integration, {
    authorizationType: isPublic
      ? apigw.AuthorizationType.NONE
      : options.authorizer
        ? apigw.AuthorizationType.COGNITO
        : apigw.AuthorizationType.IAM,
    ...(isPublic || !options.authorizer ? {} : { authorizer: options.authorizer }),
    operationName: route.operationId,
    requestValidator: options.requestValidator,
    requestParameters,
    ...(model ? { requestModels: { 'application/json': model } } : {}),
  });
}
