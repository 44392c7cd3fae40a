/**
 * IAM rules of the emulator front: the front remembers when each role was created, for Lambda's
 * rule that a role made seconds ago cannot be assumed yet (lambda.ts, rule L3). Policies of users
 * with keys moto issued are enforced by iam-policy.ts.
 */
import { relay, type Rule } from './context';

const createRole: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (a.ok) {
    const now = Date.now();
    const arn = /<Arn>([^<]+)<\/Arn>/.exec(a.body.toString('utf8'))?.[1];
    ctx.state.rolesCreated.set(String(ctx.input.RoleName ?? ''), now);
    if (arn) ctx.state.rolesCreated.set(arn, now);
  }
  return relay(ctx, a);
};

const deleteRole: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (a.ok) for (const k of [...ctx.state.rolesCreated.keys()]) if (k === ctx.input.RoleName || k.endsWith(`:role/${String(ctx.input.RoleName)}`)) ctx.state.rolesCreated.delete(k);
  return relay(ctx, a);
};

export const iamRules: Record<string, Rule> = {
  'iam:CreateRole': createRole,
  'iam:DeleteRole': deleteRole,
};
