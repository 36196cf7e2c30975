import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from './nag-wildcards.js';
import type { KairosQueues } from './queues.js';

/** Properties of {@link KairosCronSchedules}. */
export interface KairosCronSchedulesProps {
  /** Stage name, shown in the role description. */
  readonly stage: string;
  /** The stage's schedule group (`KairosWatcher.scheduleGroup`): home of every per-job cron schedule. */
  readonly scheduleGroup: scheduler.IScheduleGroup;
  /** The lanes the schedules send to, and `DeadLetters`, the schedules' dead-letter queue. */
  readonly queues: KairosQueues;
  /** The customer managed key encrypting the queues. */
  readonly key: kms.IKey;
}

/** What managing the per-job schedules takes; no List*, no group or tag actions. */
const MANAGE_ACTIONS = [
  'scheduler:CreateSchedule',
  'scheduler:UpdateSchedule',
  'scheduler:DeleteSchedule',
  'scheduler:GetSchedule',
];

/**
 * The per-job cron schedules: the functions create one EventBridge Scheduler schedule per cron job, in the stage's
 * schedule group, sending the job's message to its lane (`DeadLetters` as the schedule's dead-letter queue). The
 * schedules assume `Role`, which may send to those four queues and nothing else; {@link grantManage} lets a function
 * manage schedules of the group only and pass this role to EventBridge Scheduler only.
 */
export class KairosCronSchedules extends Construct {
  /** The role EventBridge Scheduler assumes to deliver the cron jobs' messages. */
  public readonly role: iam.Role;
  /** The stage's schedule group. */
  public readonly scheduleGroup: scheduler.IScheduleGroup;
  /** The ARN pattern of every schedule in the group (`arn:…:schedule/<group>/*`). */
  public readonly schedulesArn: string;

  constructor(scope: Construct, id: string, props: KairosCronSchedulesProps) {
    super(scope, id);
    const { scheduleGroup, queues } = props;
    this.scheduleGroup = scheduleGroup;
    this.schedulesArn = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${scheduleGroup.scheduleGroupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.role = new iam.Role(this, 'Role', {
      description: `Lets the Kairos ${props.stage} cron schedules send to the lane queues and their dead-letter queue`,
      // Only schedules of this account's Kairos group may assume it (confused-deputy protection); EventBridge
      // Scheduler presents the schedule group's ARN as the source.
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': scheduleGroup.scheduleGroupArn,
          },
        },
      }),
    });
    const targets: sqs.IQueue[] = [
      queues.lanes.high,
      queues.lanes.normal,
      queues.lanes.low,
      queues.deadLetters,
    ];
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: targets.map((queue) => queue.queueArn),
      }),
    );
    // The queues are encrypted with a customer managed key: sending makes a data key; only through SQS.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }

  /**
   * Lets `grantee` create, update, delete and read the schedules of the group (names are per job, so the group's
   * `schedule/<group>/*`), and pass {@link role} to EventBridge Scheduler only.
   */
  public grantManage(grantee: iam.IGrantable): iam.Grant {
    const schedules = iam.Grant.addToPrincipal({
      grantee,
      actions: MANAGE_ACTIONS,
      resourceArns: [this.schedulesArn],
    });
    acknowledgeWildcardResources(
      grantee,
      [this.schedulesArn],
      'Cron schedules are created per job at run time with job-derived names; the pattern is limited to the ' +
        "stage's own schedule group, and the actions to create, update, delete and get.",
    );
    const passRole = iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
    return schedules.combine(passRole);
  }
}
