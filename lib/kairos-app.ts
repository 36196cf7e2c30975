import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readConfig } from './config.js';
import { KairosStack } from './kairos-stack.js';

/** The Kairos CDK app and its one stack. */
export interface KairosApp {
  readonly app: App;
  readonly stack: KairosStack;
}

/**
 * Builds the CDK app: reads the `kairos:*` context, creates the `Kairos-<stage>` stack and registers the
 * cdk-nag AwsSolutions and Serverless checks, which fail synthesis on any unacknowledged error.
 * Shared by `bin/app.ts` and the infra tests so both check the same app.
 */
export function createKairosApp(props?: AppProps): KairosApp {
  const app = new App(props);
  const config = readConfig(app.node);
  const stack = new KairosStack(app, `Kairos-${config.stage}`, {
    config,
    description: `Kairos serverless job scheduler (${config.stage})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
