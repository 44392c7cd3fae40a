/** init's result, for people. */
import type { Output } from '../../lib/output.js';
import { mcpEndpointUrl } from '../../lib/urls.js';
import { renderCopilotStudioForm } from '../../lib/copilot-form.js';
import { isBrowserPreset } from '../../domain/presets.js';
import type { InitResult } from './types.js';

export const DOCTOR_NOTE = 'These findings inform; they do not change init\'s exit code. `mcp-cognito doctor` gives the full report.';

export function renderInit(r: InitResult, out: Output): string {
  const c = out.c;
  const lines: string[] = [];
  if (r.dryRun || !r.userPoolId) return c.dim('Dry run: nothing was changed. The plan and the equivalent aws CLI commands are above.');
  const what = r.created.length || r.updated.length ? `Created: ${r.created.join(', ') || 'nothing'}. Updated: ${r.updated.join(', ') || 'nothing'}.` : 'Nothing to change: everything was already in place.';
  lines.push(c.bold(`Cognito is set up in ${r.region}: user pool ${r.userPoolName} (${r.userPoolId}), domain ${r.domain}.`), c.dim(what), '');
  if (r.copilotStudio) {
    lines.push(renderCopilotStudioForm(r.copilotStudio, out), '');
    // doctor's next steps (at the end) say it when doctor ran; otherwise init says it here.
    if (!r.doctor?.nextSteps?.length) {
      lines.push(`${c.bold('Next:')} after you click Create, Copilot Studio shows a Redirect URL. Register it with:`);
      lines.push(`  ${c.cyan('mcp-cognito add-callback <the redirect URL Copilot Studio shows>')}`, '');
    }
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
    const mcp = r.gateway.mcpUrl ?? (r.gateway.gatewayUrl ? mcpEndpointUrl(r.gateway.gatewayUrl) : undefined);
    if (mcp) lines.push(`  MCP endpoint: ${mcp}`);
    lines.push('');
  }
  if (r.user) lines.push(`Sign-in user for testing: ${r.user.signInName} (${r.user.status}${r.user.group ? `, group ${r.user.group}` : ''}${r.user.username !== r.user.signInName ? `; user name ${r.user.username}` : ''}).`, '');
  if (r.doctor) {
    const d = r.doctor;
    lines.push(c.bold('Check of the new setup (mcp-cognito doctor):'));
    if (d.summary) lines.push(`  ${d.summary.pass} passed, ${d.summary.warn} warning${d.summary.warn === 1 ? '' : 's'}, ${d.summary.fail} failed, ${d.summary.skip} skipped`);
    else lines.push(`  doctor did not run${d.error ? `: ${d.error}` : ''}`);
    for (const f of d.findings) lines.push(`  ${f.status === 'fail' ? c.red('✗') : c.yellow('!')} ${f.title}${f.fix ? c.dim(` — ${f.fix}`) : ''}`);
    // Only what a person can do next (doctor's next steps); the note on findings only when there are findings.
    if (d.findings.length) lines.push(c.dim(`  ${DOCTOR_NOTE}`));
    if (d.nextSteps?.length) {
      lines.push(c.bold('Next steps:'));
      for (const n of d.nextSteps) lines.push(`  • ${n}`);
    }
  }
  return lines.join('\n').trimEnd();
}

