import { HadafError } from '../../../src/core/errors.ts';

/** What a caller sees of a rejected input: the code, the field and the message. */
export function invalidInput(run: () => unknown): { code: string; field?: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof HadafError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected the input to be rejected, but it was accepted');
}
