// Valid CPFs for webchat citizens: nine digits from a number, then the two check digits (módulo 11),
// as the widget's identify step requires. Pure, so the runner's tests check it against the server's
// own validator.

/** The two check digits of a CPF's first nine digits. */
export function cpfCheckDigits(nine) {
  if (!/^\d{9}$/.test(nine)) throw new Error(`a CPF base has nine digits, not "${nine}"`);
  const digits = nine.split('').map(Number);
  const next = (length) => {
    let sum = 0;
    for (let i = 0; i < length; i++) sum += digits[i] * (length + 1 - i);
    const rest = (sum * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  digits.push(next(9));
  digits.push(next(10));
  return `${digits[9]}${digits[10]}`;
}

/**
 * A formatted CPF (000.000.000-00) for citizen number `n` (distinct for n below 900 million but
 * for the eight repeated-digit bases), never a repeated-digit one: 111.111.111-11 is refused.
 */
export function cpfFor(n) {
  let nine = String(100_000_000 + (Math.abs(Math.trunc(n)) % 900_000_000));
  if (/^(\d)\1{8}$/.test(nine)) nine = nine === '999999999' ? '100000001' : String(Number(nine) + 1);
  const cpf = `${nine}${cpfCheckDigits(nine)}`;
  return `${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}`;
}
