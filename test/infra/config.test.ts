import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lib/config.js';
import { createKairosApp } from '../../lib/kairos-app.js';

const configFrom = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('readConfig', () => {
  it('falls back to the defaults when no context is set', () => {
    expect(configFrom({})).toEqual({
      stage: 'dev',
      scheduleShards: 16,
      runRetentionDays: 30,
      removalPolicy: 'retain',
      logLevel: 'INFO',
    });
  });

  it('reads every kairos:* context value', () => {
    const config = configFrom({
      'kairos:stage': 'prod-eu1',
      'kairos:scheduleShards': 64,
      'kairos:runRetentionDays': 3650,
      'kairos:removalPolicy': 'destroy',
      'kairos:logLevel': 'DEBUG',
    });
    expect(config).toEqual({
      stage: 'prod-eu1',
      scheduleShards: 64,
      runRetentionDays: 3650,
      removalPolicy: 'destroy',
      logLevel: 'DEBUG',
    });
  });

  it('accepts whole numbers given as strings, as `cdk -c key=value` passes them', () => {
    const config = configFrom({ 'kairos:scheduleShards': '32', 'kairos:runRetentionDays': '1' });
    expect(config.scheduleShards).toBe(32);
    expect(config.runRetentionDays).toBe(1);
  });

  it.each([
    ['kairos:stage', 'Prod', /a-z0-9-/],
    ['kairos:stage', '1dev', /starting with a letter/],
    ['kairos:stage', 'a-stage-name-longer-than-16', /1-16 chars/],
    ['kairos:stage', 42, /lower-case name/],
    ['kairos:scheduleShards', 8, /integer ≥ 16/],
    ['kairos:scheduleShards', '8', /integer ≥ 16/],
    ['kairos:scheduleShards', 16.5, /integer ≥ 16/],
    ['kairos:scheduleShards', 'many', /integer ≥ 16/],
    ['kairos:runRetentionDays', 0, /integer from 1 to 3650/],
    ['kairos:runRetentionDays', 3651, /integer from 1 to 3650/],
    ['kairos:removalPolicy', 'delete', /"retain" or "destroy"/],
    ['kairos:logLevel', 'verbose', /"DEBUG", "INFO", "WARN" or "ERROR"/],
  ])('rejects %s = %j, naming the key and the allowed values', (key, value, allowed) => {
    const read = () => configFrom({ [key]: value });
    expect(read).toThrow(`Invalid CDK context value for '${key}': got ${JSON.stringify(value)}`);
    expect(read).toThrow(allowed);
  });

  it('makes the app fail before building anything when a value is bad', () => {
    expect(() => createKairosApp({ context: { 'kairos:scheduleShards': 4 } })).toThrow(
      /kairos:scheduleShards/,
    );
  });
});
