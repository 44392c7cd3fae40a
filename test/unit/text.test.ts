import { describe, expect, it } from 'vitest';
import { plural, wrapText } from '../../src/lib/text.js';

describe('words for people', () => {
  it('plural', () => {
    expect([plural(0, 'gateway'), plural(1, 'gateway'), plural(3, 'resource')]).toEqual(['0 gateways', '1 gateway', '3 resources']);
  });
  it('wraps long lines between words under their text (indent and list marker kept), never inside a word or a command', () => {
    const line = '  • After you create the tool in Copilot Studio, it shows a redirect URL. Register it: mcp-cognito add-callback <the redirect URL> --client-id abc123';
    const wrapped = wrapText(line, 60).split('\n');
    expect(wrapped.every((l) => l.length <= 60 || l.trim().startsWith('mcp-cognito'))).toBe(true);
    expect(wrapped.slice(1).every((l) => l.startsWith('    '))).toBe(true);
    expect(wrapped.some((l) => l.trim() === 'mcp-cognito add-callback <the redirect URL> --client-id abc123')).toBe(true);
    expect(wrapped.join(' ').replace(/\s+/g, ' ').trim()).toBe(line.replace(/\s+/g, ' ').trim());
    expect(wrapText('short line', 60)).toBe('short line');
  });
});
