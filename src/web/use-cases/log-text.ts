/** Text a visitor chose (a file name, a typed address), made safe for one log line. */
export function logText(value: string, max = 120): string {
  const oneLine = [...value].map((c) => (isControlCharacter(c) ? ' ' : c)).join('').replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/** C0/C1 control characters and the Unicode line separators. */
export function isControlCharacter(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}
