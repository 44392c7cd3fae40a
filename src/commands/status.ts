import { Command } from 'commander';
import { CliError, UsageError } from '../lib/errors.js';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { plural } from '../lib/text.js';
import { readStatus, type ClientStatus, type StatusReport } from '../workflows/status.js';

export type StatusResult = StatusReport & { summary: { missing: number; warnings: number } };

/** Read everything the state file records, concurrently, and compare. Never writes. */
export async function status(ctx: Ctx): Promise<StatusResult> {
  const state = ctx.state.get();
  if (!state.userPoolId && !state.gatewayId && !(state.clients ?? []).length) {
    throw new UsageError(`The state file ${ctx.state.path} records nothing to show.`, 'Run mcp-cognito init (or init-pool) first, or point --state at the project\'s state file.');
  }
  // Validates the recorded pool ID and takes the Region from it.
  if (state.userPoolId) await ctx.poolId(undefined);
  const region = await ctx.region();
  const report = await readStatus(state, ctx.state.path, region, { cognito: () => ctx.cognito(), agentcore: () => ctx.agentcore() });
  const missing = report.flags.filter((f) => f.severity === 'missing').length;
  return { ...report, summary: { missing, warnings: report.flags.length - missing } };
}

const yesNo = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');

/** " (today)", " (1 day ago)", " (12 days ago)". */
function ageWords(iso: string): string {
  const days = Math.floor((Date.now() - Date.parse(iso)) / 86_400_000);
  return Number.isNaN(days) ? '' : days <= 0 ? ' (today)' : ` (${plural(days, 'day')} ago)`;
}

function clientLines(c: ClientStatus, out: Output): string[] {
  const head = `${out.c.bold(c.name)} ${out.c.dim(`${c.clientId} · ${c.preset}${c.origin ? ` · ${c.origin}` : ''}`)}`;
  if (!c.found) return [`  ${head}  ${out.c.red('✗ gone from AWS')}`];
  const rows: [string, string | string[]][] = [
    ['Flows', c.oauthFlows?.join(', ') || '(OAuth off)'],
    ['Scopes', c.scopes?.join(' ') || '(none)'],
  ];
  if (c.callbackUrls?.length || c.oauthFlows?.includes('code')) rows.push(['Callback URLs', c.callbackUrls?.length ? c.callbackUrls : '(none)']);
  if (c.defaultRedirectUri && (c.callbackUrls?.length ?? 0) > 1) rows.push(['Default redirect', c.defaultRedirectUri]);
  if (c.logoutUrls?.length) rows.push(['Logout URLs', c.logoutUrls]);
  if (c.secrets) {
    // "1 secret, created 2026-12-07 (today)"; "2 secrets, created 2026-01-02 (339 days ago) and 2026-12-07 (today)".
    const when = (s: (typeof c.secrets.list)[number]) => (s.createdAt ? `${s.createdAt.slice(0, 10)}${ageWords(s.createdAt)}` : `of unknown age (${s.secretId})`);
    const dates = c.secrets.list.map(when);
    const created = dates.length ? `, created ${dates.length > 1 ? `${dates.slice(0, -1).join(', ')} and ${dates[dates.length - 1]}` : dates[0]}` : '';
    rows.push(['Secrets', `${plural(c.secrets.count, 'secret')}${created}${c.secrets.count > 1 ? out.c.yellow(' — a rotation is in progress: mcp-cognito rotate-secret --finish ends it') : ''}`]);
  } else rows.push(['Secrets', 'none (public client)']);
  if (c.onGateway !== undefined) rows.push(['On the gateway', yesNo(c.onGateway)]);
  if (c.awsName) rows.push(['Name in AWS', c.awsName]);
  return [`  ${head}`, ...indented(rows, out)];
}

/** A table indented by two, each value of a list on its own line under the value column. */
function indented(rows: [string, string | string[]][], out: Output): string[] {
  const pad = ' '.repeat(2 + Math.max(...rows.map(([k]) => k.length)) + 2);
  return out
    .table(rows.map(([k, v]) => [k, Array.isArray(v) ? v.join(`\n${pad}`) : v]))
    .split('\n')
    .map((l) => `  ${l}`);
}

export function renderStatus(r: StatusResult, out: Output): string {
  const c = out.c;
  const gone = c.red('✗ gone from AWS');
  const lines: string[] = [`${c.bold('State file')} ${r.stateFile} ${c.dim(`(${r.region})`)}`, ''];
  const origin = (o: string | undefined) => (o ? c.dim(` (${o})`) : '');
  if (r.pool) lines.push(`${c.bold('User pool')}        ${r.pool.id}${r.pool.name ? ` ${c.dim(r.pool.name)}` : ''}${origin(r.pool.origin)}${r.pool.found ? '' : `  ${gone}`}`);
  if (r.domain) {
    const d = r.domain;
    const detail = d.found ? `${d.status ?? '?'}, ${d.managedLoginVersion === 2 ? 'managed login (v2)' : 'classic hosted UI (v1)'}${d.custom ? ', custom domain' : ''}` : '';
    lines.push(`${c.bold('Domain')}           ${d.domain}${d.found ? ` ${c.dim(detail)}` : ''}${origin(d.origin)}${d.found ? '' : `  ${gone}`}`);
  }
  if (r.resourceServer) {
    const rs = r.resourceServer;
    lines.push(`${c.bold('Resource server')}  ${rs.identifier}${rs.found ? ` ${c.dim(`scopes: ${(rs.scopes ?? []).join(', ') || '(none)'}`)}` : ''}${origin(rs.origin)}${rs.found ? '' : `  ${gone}`}`);
  }
  if (r.clients.length) {
    lines.push('', c.bold(`App clients (${r.clients.length})`));
    for (const cl of r.clients) lines.push(...clientLines(cl, out));
  }
  if (r.gateway) {
    const g = r.gateway;
    lines.push('', `${c.bold('Gateway')}          ${g.gatewayId}${g.found ? ` ${c.dim(`${g.name ?? ''} · ${g.status ?? '?'}`)}` : `  ${gone}`}`);
    if (g.found) {
      const rows: [string, string][] = [];
      if (g.url) rows.push(['URL', g.url]);
      rows.push(['MCP versions', g.mcpVersions?.join(', ') || '(not set)']);
      rows.push(['Allowed clients', g.allowedClients ? `${g.allowedClients.length}` : 'any client of the pool (no allow-list)']);
      if (g.trustsPool) rows.push(['Trusts pool', g.trustsPool]);
      for (const u of g.unknownClients ?? []) rows.push(['Not in state', `${u.clientId}${u.name ? ` (${u.name})` : ''}${u.inPool ? '' : c.yellow(' — not in the pool')}`]);
      lines.push(...indented(rows, out));
    }
  }
  if (r.facade) {
    lines.push('', `${c.bold('Façade')}           ${c.dim('(as recorded; not read from AWS)')}`);
    lines.push(...indented(Object.entries(r.facade).map(([k, v]) => [k, String(v)]), out));
  }
  lines.push('');
  if (!r.flags.length) lines.push(c.green('✓ Everything the state file records exists in AWS.'));
  for (const f of r.flags) lines.push(f.severity === 'missing' ? `${c.red('✗')} ${f.message}` : `${c.yellow('!')} ${f.message}`);
  return lines.join('\n');
}

export function statusCommand(holder: Holder): Command {
  return new Command('status')
    .description(
      'Read the user pool, its domain, the resource server, every recorded app client (flows, scopes, callback URLs, secret count and age — never a secret), the gateway (status, MCP versions, allowed clients the state file does not know) and the façade, once each and concurrently; compare with the state file. Changes nothing.',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 everything recorded exists (warnings may be listed), 1 something the state file records is gone from AWS (or AWS could not be read), 2 bad usage or an empty state file.\n\nExamples:\n  $ mcp-cognito status\n  $ mcp-cognito status --json | jq .flags\n  $ mcp-cognito status --state ../other-project/mcp-cognito.json',
    )
    .action(
      runAction<object, StatusResult>('status', holder, async (_flags, ctx) => {
        const spinner = ctx.out.spinner('Reading the user pool, clients and gateway');
        let result: StatusResult;
        try {
          result = await status(ctx);
        } finally {
          spinner.stop();
        }
        if (result.summary.missing > 0) {
          // The report first (stdout), then exit 1; --json carries the report in the failure envelope.
          if (!ctx.out.json) ctx.out.result(result, renderStatus);
          throw new CliError(`${result.summary.missing} thing${result.summary.missing > 1 ? 's' : ''} the state file records ${result.summary.missing > 1 ? 'are' : 'is'} gone from AWS.`, {
            code: 'NOT_FOUND',
            hint: `Re-create ${result.summary.missing > 1 ? 'them' : 'it'} (init, create-client, authorize-client), or take ${result.summary.missing > 1 ? 'them' : 'it'} out of the state file if ${result.summary.missing > 1 ? 'they were' : 'it was'} deleted on purpose.`,
            result: result as unknown as Record<string, unknown>,
          });
        }
        return { result, render: renderStatus };
      }),
    );
}
