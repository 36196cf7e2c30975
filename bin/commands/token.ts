/** `kairos token create --role <role>`: a token for the local runtime, added to $KAIROS_HOME/tokens.json. */
import { isRole, ROLES } from '../../lambdas/core/roles.js';
import { createToken } from '../../lambdas/local/tokens.js';
import { command } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';

const USAGE = `Usage: kairos token create --role <viewer|operator|admin> [--home <dir>]

Adds a local API token with that role (the running runtime sees it at once) and prints it.`;

export const tokenCreate = command({
  words: ['token', 'create'],
  summary: 'add a local API token',
  usage: USAGE,
  args: [],
  options: { role: { type: 'string' } },
  async run(ctx, values) {
    if (!isRole(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`, USAGE);
    const token = createToken(ctx.home, values.role);
    if (ctx.output === 'json') ctx.json({ token, role: values.role });
    else ctx.print(token);
    return 0;
  },
});
