/** The digits subnet's model contract. Pure: no DOM, no Node APIs. */
import type { ModelContract } from '../types.ts';

export const DIGITS_INPUT = 'image';
export const DIGITS_OUTPUT = 'probs';

/**
 * Input `image`: float32 [batch, 1, 28, 28], NCHW, 0 = background, 1 = ink.
 * Output `probs`: float32 [batch, 10], a probability distribution per row (softmax output):
 * every value in [0, 1], each row summing to 1 within 1e-3.
 */
export const DIGITS_CONTRACT: ModelContract = {
  inputs: [{ name: DIGITS_INPUT, dtype: 'float32', shape: ['batch', 1, 28, 28] }],
  outputs: [{ name: DIGITS_OUTPUT, dtype: 'float32', shape: ['batch', 10] }],
};
