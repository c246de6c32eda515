/**
 * Longest word (and candidate) a suggestion is computed for. Typos worth a suggestion are in
 * names (state names are at most 80 characters, label keys 63); the words compared come from
 * untrusted messages and run inputs, and a 1 MB key once cost 470 MB of heap here.
 */
export const MAX_SUGGESTION_LENGTH = 128;

/**
 * Optimal-string-alignment distance: edits, counting a swap of two neighbours as one. Keeps
 * three rows only (the swap looks two rows back), so memory is linear in `b`'s length.
 */
export function editDistance(a: string, b: string): number {
  // Stryker disable next-line ArrayDeclaration: older is first read in row 2 (the swap needs i > 1), after it has taken row 0
  let older: number[] = [];
  let above: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, older[j - 2]! + 1);
      }
      row.push(best);
    }
    older = above;
    above = row;
  }
  return above[b.length]!;
}

/**
 * The candidate closest to `word` (case-insensitive), if it is close enough to be a typo.
 * Bounded work: words or candidates longer than {@link MAX_SUGGESTION_LENGTH} get no
 * suggestion, and a candidate whose length alone puts it out of reach is not compared.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > MAX_SUGGESTION_LENGTH) return undefined;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word || candidate.length > MAX_SUGGESTION_LENGTH) continue;
    const limit = Math.max(1, Math.floor(candidate.length / 3));
    // The distance is at least the difference in length: skip the table when that is too far.
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && distance < candidate.length && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
