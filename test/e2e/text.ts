/**
 * Text as a reader sees it: without the invisible bidi isolates (U+2066–U+2069)
 * the app puts around each value it places in a sentence.
 */
export function plain(text: string | null): string {
  return (text ?? '').replace(/[\u2066-\u2069]/g, '');
}
