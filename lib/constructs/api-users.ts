import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '../../lambdas/core/roles.js';

/** Properties of {@link KairosApiUsers}. */
export interface KairosApiUsersProps {
  /** Stage name: part of the user pool and authorizer names. */
  readonly stage: string;
  /** What happens to the user pool when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The optional Cognito sign-in of the API (`kairos:cognito`, ADR 0014): a user pool whose users an administrator
 * creates (no self sign-up; TOTP MFA required), one group per Kairos role (`viewer`, `operator`, `admin`), an app
 * client for the CLI and scripts (SRP sign-in, no secret) and the user pool authorizer the API methods use. The ID
 * token goes in the `Authorization` header; its `cognito:groups` claim tells the API handler the caller's role.
 */
export class KairosApiUsers extends Construct {
  /** The user pool. */
  public readonly userPool: cognito.UserPool;
  /** The app client signing users in. */
  public readonly client: cognito.UserPoolClient;
  /**
   * The app client of the dashboard: password sign-in (USER_PASSWORD_AUTH over TLS) because the page signs in with
   * plain `fetch` calls to Cognito, carrying no SRP library; MFA still applies (ADR 0016).
   */
  public readonly dashboardClient: cognito.UserPoolClient;
  /** The authorizer of every API method but the health check. */
  public readonly authorizer: apigw.CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: KairosApiUsersProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `kairos-${props.stage}`,
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan (threat protection) is billed per monthly active user; Kairos users are a few ' +
        'operators an administrator creates (no self sign-up) with TOTP MFA required, so the stack uses Essentials.',
    });
    ROLES.forEach((role, index) => {
      this.userPool.addGroup(`${role[0].toUpperCase()}${role.slice(1)}Group`, {
        groupName: role,
        description: `Kairos ${role}s (API role '${role}')`,
        // Lower precedence wins where Cognito picks one group (e.g. cognito:preferred_role): admin first.
        precedence: ROLES.length - index,
      });
    });
    // Both clients: public (no secret), short-lived tokens, revocable, no hint whether a user exists.
    const clientOptions = {
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    };
    this.client = this.userPool.addClient('Client', { ...clientOptions, authFlows: { userSrp: true } });
    this.dashboardClient = this.userPool.addClient('DashboardClient', {
      ...clientOptions,
      authFlows: { userPassword: true },
    });
    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      authorizerName: `kairos-${props.stage}`,
      cognitoUserPools: [this.userPool],
    });
    new CfnOutput(this, 'UserPoolId', {
      value: this.userPool.userPoolId,
      description: 'Cognito user pool of the Kairos API; add users to the group viewer, operator or admin',
    }).overrideLogicalId('UserPoolId');
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.client.userPoolClientId,
      description: 'App client id for signing in to the Kairos API (SRP); send the ID token as Authorization',
    }).overrideLogicalId('UserPoolClientId');
  }
}
