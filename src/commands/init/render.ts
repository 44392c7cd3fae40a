/** init's result, for people. */
import type { Output } from '../../lib/output.js';
import { plural } from '../../lib/text.js';
import { mcpEndpointUrl } from '../../lib/urls.js';
import { renderCopilotStudioForm } from '../../lib/copilot-form.js';
import { isBrowserPreset } from '../../domain/presets.js';
import type { InitResult } from './types.js';

export const DOCTOR_NOTE = 'These findings inform; they do not change init\'s exit code. `mcp-cognito doctor` gives the full report.';

export function renderInit(r: InitResult, out: Output): string {
  const c = out.c;
  const lines: string[] = [];
  if (r.dryRun || !r.userPoolId) return c.dim('Dry run: nothing was changed. The plan and the equivalent aws CLI commands are above.');
  // What was created or changed was said once, as it happened (the ✓ lines); here only when nothing was.
  lines.push(c.bold(`Cognito is set up in ${r.region}: user pool ${r.userPoolName} (${r.userPoolId}), domain ${r.domain}.`));
  if (!r.created.length && !r.updated.length) lines.push(c.dim('Nothing to change: everything was already in place.'));
  lines.push('');
  const mcpUrl = r.gateway && !r.gateway.skipped ? (r.gateway.mcpUrl ?? (r.gateway.gatewayUrl ? mcpEndpointUrl(r.gateway.gatewayUrl) : undefined)) : undefined;
  if (r.copilotStudio) {
    lines.push(renderCopilotStudioForm({ ...r.copilotStudio, ...(mcpUrl ? { serverUrl: mcpUrl } : {}), ...(r.gateway?.gatewayName ? { serverName: r.gateway.gatewayName } : {}) }, out), '');
    // doctor's next steps (at the end) say it when doctor ran; otherwise init says it here.
    if (!r.doctor?.nextSteps?.length) {
      lines.push(`${c.bold('Next:')} after you click Create, Copilot Studio shows a Redirect URL. Register it with:`);
      lines.push(`  ${c.cyan('mcp-cognito add-callback <the redirect URL Copilot Studio shows>')}`, '');
    }
  }
  if (r.copilotStudioDynamic) {
    const [head, ...steps] = r.copilotStudioDynamic.steps;
    lines.push(c.bold('Copilot Studio — Dynamic discovery through the OAuth façade (nothing to paste but one URL, no secret):'));
    lines.push(`  1. Deploy the façade: ${c.cyan(r.copilotStudioDynamic.command)}`);
    lines.push(`  2. ${head}`, ...steps.map((x) => `  ${x}`), '');
  }
  const m2m = r.clients.find((x) => !isBrowserPreset(x.preset));
  if (m2m) {
    lines.push(c.bold(`M2M agent client ${m2m.clientName} (${m2m.clientId})`));
    lines.push(out.table([
      ['Token URL', m2m.tokenUrl ?? '(no domain yet)'],
      ['Scopes', m2m.scopes.join(' ')],
      ['Credentials', m2m.envFile ? `${m2m.envFile} (mode 0600)` : 'in --json output only (use --dotenv <file> to write them)'],
    ]), '');
  }
  if (r.gateway) {
    lines.push(r.gateway.skipped ? c.yellow(`Gateway: ${r.gateway.message}`) : `Gateway ${r.gateway.gatewayName ?? r.gateway.gatewayId}: ${r.gateway.message}`);
    if (mcpUrl && !r.copilotStudio) lines.push(`  MCP endpoint: ${mcpUrl}`);
    lines.push('');
  }
  if (r.user) lines.push(`Sign-in user for testing: ${r.user.signInName} (${r.user.status}${r.user.group ? `, group ${r.user.group}` : ''}${r.user.username !== r.user.signInName ? `; user name ${r.user.username}` : ''}).`, '');
  if (r.doctor) {
    const d = r.doctor;
    lines.push(c.bold('Check of the new setup (mcp-cognito doctor):'));
    if (d.summary) lines.push(`  ${d.summary.pass} passed, ${plural(d.summary.warn, 'warning')}, ${d.summary.fail} failed, ${d.summary.skip} not checked`);
    else lines.push(`  doctor did not run${d.error ? `: ${d.error}` : ''}`);
    for (const f of d.findings) lines.push(`  ${f.status === 'fail' ? c.red('✗') : c.yellow('!')} ${f.title}${f.fix ? c.dim(` — ${f.fix}`) : ''}`);
    // Only what a person can do next (doctor's next steps); the note on findings only when there are findings.
    if (d.findings.length) lines.push(c.dim(`  ${DOCTOR_NOTE}`));
    // Dynamic discovery registers no redirect URL by hand: doctor's add-callback step is for Manual OAuth.
    const next = (d.nextSteps ?? []).filter((n) => !(r.copilotStudioDynamic && /add-callback/.test(n)));
    if (next.length) {
      lines.push(c.bold('Next steps:'));
      for (const n of next) lines.push(`  • ${n}`);
    }
  }
  return lines.join('\n').trimEnd();
}

