/**
 * Loose matching of the names people and CRMs write: header labels
 * ("Probability (%)", "Deal - Won time", "CloseDate") and coded values
 * ("Closed Won", "closedwon"). Case, blanks and punctuation never decide a match.
 */

/** Letters and digits only, lower-cased: "Deal - Won time" and "dealWonTime" both give "dealwontime". */
export function looseKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Trimmed, inner blanks collapsed, lower-cased: how names of people, teams and accounts are compared. */
export function nameKey(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Quotes user text in messages so that blanks and odd characters stay visible. */
export const quote = (text: string) => JSON.stringify(text);
