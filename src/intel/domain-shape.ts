/**
 * Whether a name is already written as canonicalDomain writes domains, as far as its characters
 * go: lowercase labels of `a-z 0-9 _ -`, 1–63 long, no hyphen at either end, at least two, the
 * last not all digits, at most 253 characters, no trailing dot. For such a name canonicalDomain's
 * trimming, lowercasing, IDN conversion and label checks change and reject nothing: the name is
 * canonical once its suffix is a public one (publicSuffixProblem). One pass over character codes,
 * for the readers' hot path, where splitting and regular expressions per name cost more.
 */

/** The check over `text`. */
export function isPlainDomain(text: string): boolean {
  const n = text.length;
  if (n < 3 || n > 253) return false;
  let labels = 0;
  let labelStart = 0;
  let digitsOnly = true;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : text.charCodeAt(i);
    if (c === 46 /* . */) {
      const length = i - labelStart;
      if (length === 0 || length > 63) return false;
      if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45 /* - */) return false;
      labels++;
      if (i === n) return labels >= 2 && !digitsOnly;
      labelStart = i + 1;
      digitsOnly = true;
    } else if (c >= 48 && c <= 57) {
      // a digit keeps the label all digits so far
    } else if ((c >= 97 && c <= 122) || c === 45 || c === 95 /* a-z - _ */) digitsOnly = false;
    else return false;
  }
  return false;
}

/** The check over ASCII bytes [start, end). */
export function isPlainDomainBytes(bytes: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n < 3 || n > 253) return false;
  let labels = 0;
  let labelStart = start;
  let digitsOnly = true;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 46 : bytes[i];
    if (c === 46 /* . */) {
      const length = i - labelStart;
      if (length === 0 || length > 63) return false;
      if (bytes[labelStart] === 45 || bytes[i - 1] === 45 /* - */) return false;
      labels++;
      if (i === end) return labels >= 2 && !digitsOnly;
      labelStart = i + 1;
      digitsOnly = true;
    } else if (c >= 48 && c <= 57) {
      // a digit keeps the label all digits so far
    } else if ((c >= 97 && c <= 122) || c === 45 || c === 95 /* a-z - _ */) digitsOnly = false;
    else return false;
  }
  return false;
}
