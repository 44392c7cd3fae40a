/** Words for people: plurals, and wrapping at the terminal's width. */

/** `1 gateway`, `3 gateways`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
/** Columns a string takes (colour codes take none). */
export const visible = (s: string): number => s.replace(ANSI, '').length;

/** Word-wrap to `width` visible columns (none: one line); the first line starts with `indent`, the others with `hanging`. */
export function wrapIndent(text: string, indent: string, width: number | undefined, hanging = indent): string {
  const words = text.split(/\s+/).filter(Boolean);
  if (width === undefined) return indent + words.join(' ');
  // A command to paste stays on one line (its own, when the line is full): a line break in it would
  // run half of it when pasted.
  const cmd = words.findIndex((w) => /^`?(mcp-cognito|aws|claude|codex|npm|npx)$/.test(w) && /^[a-z-]/.test(words[words.indexOf(w) + 1] ?? ''));
  if (cmd >= 0) words.splice(cmd, words.length - cmd, words.slice(cmd).join(' '));
  const lines: string[] = [];
  let line = '';
  const pad = () => (lines.length ? hanging : indent);
  for (const w of words) {
    if (line && visible(pad() + line + ' ' + w) > width) {
      lines.push(pad() + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(pad() + line);
  return lines.join('\n');
}

/** A list marker at the start of a line (after its indent): continuation lines align after it. */
const MARKER = /^(\s*)((?:[•✓✗!+~-]|\d+\.)\s+)?/;

/**
 * Wrap each line longer than `width` at spaces, continuing under its text (after its indent and list
 * marker), so a terminal never breaks a word or a command in two. A word longer than the width (a
 * URL) stays whole on its own line.
 */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (visible(line) <= width) return line;
      const m = MARKER.exec(line)!;
      const head = m[0];
      return wrapIndent(line.slice(head.length), head, width, ' '.repeat(visible(head)));
    })
    .join('\n');
}
