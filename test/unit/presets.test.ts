/** The preset table answers what code used to ask by comparing preset ids. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESET, GENERIC_BROWSER_PRESET, PRESETS, isBrowserPreset, presetFlag, presetForFlows, presetSpec } from '../../src/domain/presets.js';

describe('presets', () => {
  it('a client the state file does not record: client_credentials alone is the M2M preset; a code-flow or mixed client is no particular preset', () => {
    expect(presetForFlows(['client_credentials'])).toBe('m2m');
    expect(presetForFlows(['client_credentials', 'implicit'])).toBe('m2m');
    expect(presetForFlows(['code'])).toBeUndefined();
    expect(presetForFlows(['code', 'client_credentials'])).toBeUndefined();
    expect(presetForFlows(['implicit'])).toBeUndefined();
    expect(presetForFlows([])).toBeUndefined();
  });

  it('a command line names the preset unless it is the default', () => {
    expect(presetFlag(DEFAULT_PRESET)).toBe('');
    expect(presetFlag('m2m')).toBe(' --preset m2m');
  });

  it('each property holds together: a placeholder callback says who shows the real one; the generic browser preset is a browser one; only browser presets print a form', () => {
    for (const p of PRESETS) {
      const s = presetSpec(p);
      expect(Boolean(s.redirectUrlFrom), p).toBe(s.callback === 'placeholder');
      if (s.copilotStudioForm) expect(isBrowserPreset(p), p).toBe(true);
      if (s.secretRequired) expect(s.secret, p).toBe(true);
    }
    expect(isBrowserPreset(GENERIC_BROWSER_PRESET)).toBe(true);
    expect(presetSpec('copilot-studio').secretRotationSteps?.('printed above').join('\n')).toContain('paste the new secret (printed above) into Client secret');
  });
});
