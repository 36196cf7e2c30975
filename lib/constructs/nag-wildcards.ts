import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * A resolved CloudFormation value as cdk-nag prints it in an AwsSolutions-IAM5 finding id: `Ref` → `<Id>`,
 * `Fn::GetAtt` → `<Id.Attr>`, `Fn::Join` joined, `${X}` inside `Fn::Sub` → `<X>`.
 */
export function nagResourceText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(nagResourceText).join(delimiter);
  }
  if ('Fn::Sub' in node) return nagResourceText(node['Fn::Sub']);
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [id, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${nagResourceText(id)}.${nagResourceText(attribute)}>`;
  }
  if ('Ref' in node) return `<${nagResourceText(node.Ref)}>`;
  return JSON.stringify(node);
}

/**
 * Acknowledges AwsSolutions-IAM5 on the grantee's role for each of `resources` that contains a `*`, with `reason`.
 * Called next to the grant that adds those resources, so every wildcard resource carries the reason it exists and a
 * wildcard added anywhere else still fails the checks.
 */
export function acknowledgeWildcardResources(
  grantee: iam.IGrantable,
  resources: readonly string[],
  reason: string,
): void {
  const principal = grantee.grantPrincipal;
  // An imported principal gets no policy in this app, so there is nothing for cdk-nag to report.
  if (!Construct.isConstruct(principal)) return;
  const stack = Stack.of(principal);
  const acknowledged = new Set(
    principal.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
      // Recorded as `Annotation::<id>` (older aws-cdk-lib: `annotation::`), the way cdk-nag strips it.
      .map((id) => id.replace(/^annotation::/i, '')),
  );
  const ids = new Set(
    resources
      .map((resource) => nagResourceText(stack.resolve(resource)))
      .filter((text) => text.includes('*'))
      .map((text) => `AwsSolutions-IAM5[Resource::${text}]`),
  );
  const fresh = [...ids].filter((id) => !acknowledged.has(id));
  if (fresh.length > 0) Validations.of(principal).acknowledge(...fresh.map((id) => ({ id, reason })));
}
