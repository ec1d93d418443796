/** The preprocessing reference numbers (scripts/reference/preprocessing_reference.py → testdata/preprocessing.json). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../../../ts/ml/testdata/preprocessing.json', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const pp: any = JSON.parse(readFileSync(file, 'utf8'));

export { assertClose } from './testdata.js';
