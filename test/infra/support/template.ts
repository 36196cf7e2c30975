import type { Template } from 'aws-cdk-lib/assertions';

/** A CloudFormation resource as found in a synthesized template. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/** One API Gateway method of a template, with its full resource path resolved. */
export interface ApiMethod {
  readonly logicalId: string;
  readonly method: string;
  readonly path: string;
  readonly properties: Record<string, unknown>;
}

function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'Ref' in value) return String((value as { Ref: unknown }).Ref);
  return undefined;
}

/**
 * Every `AWS::ApiGateway::Method` with its path, resolved by walking `ResourceId` → `ParentId` up to the root
 * (which the template references as `Fn::GetAtt [RestApi, RootResourceId]`, not as a `Ref`).
 */
export function apiMethods(template: Template): ApiMethod[] {
  const resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
  const pathOf = (resourceId: unknown): string => {
    const logicalId = refOf(resourceId);
    if (logicalId === undefined) return '';
    const resource = resources[logicalId];
    if (resource?.Type !== 'AWS::ApiGateway::Resource')
      throw new Error(`${logicalId} is not an API resource`);
    const props = resource.Properties ?? {};
    return `${pathOf(props.ParentId)}/${String(props.PathPart)}`;
  };
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::ApiGateway::Method')
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      return {
        logicalId,
        method: String(properties.HttpMethod),
        path: pathOf(properties.ResourceId) || '/',
        properties,
      };
    });
}

/** The resources of one type, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, CfnResourceJson> {
  return template.findResources(type) as Record<string, CfnResourceJson>;
}
