/**
 * Splits an inline command line the way Redis's sdssplitargs does: whitespace separates arguments,
 * "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' only \'. A closing quote
 * must be followed by whitespace or the end. Returns null for unbalanced quotes.
 */
export function splitInlineArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let cur = '';
    let inDq = false;
    let inSq = false;
    let done = false;
    while (!done) {
      if (i >= n) {
        if (inDq || inSq) return null;
        break;
      }
      const ch = line[i];
      if (inDq) {
        if (ch === '\\' && i + 3 < n && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.substr(i + 2, 2), 16));
          i += 3;
        } else if (ch === '\\' && i + 1 < n) {
          i++;
          cur += unescape(line[i]);
        } else if (ch === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += ch;
        }
      } else if (inSq) {
        if (ch === '\\' && i + 1 < n && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (ch === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += ch;
        }
      } else if (isSpace(line.charCodeAt(i))) {
        done = true;
      } else if (ch === '"') {
        inDq = true;
      } else if (ch === "'") {
        inSq = true;
      } else {
        cur += ch;
      }
      i++;
    }
    out.push(cur);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

function unescape(c: string): string {
  switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\x07';
    default: return c;
  }
}
