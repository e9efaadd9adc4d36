// idnum.mjs - GB 11643 ID numbers for the tests: the check character of the
// first 17 digits, and a whole number from region, birth date and sequence.
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export const checkChar = (first17) => '10X98765432'[[...first17].reduce((s, d, i) => s + Number(d) * W[i], 0) % 11];
export const idnum = (first17) => first17 + checkChar(first17);
export const idNumber = (region, birth, seq) => idnum(`${region}${birth}${String(seq).padStart(3, '0')}`);
