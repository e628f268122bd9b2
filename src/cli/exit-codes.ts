/**
 * EXIT CODES sections shared by several commands' help (kept free of imports:
 * commands load this at startup).
 */
export const CONVERT_EXIT_CODES = `EXIT CODES
  0  converted; no finding is an error
  1  a finding is an error (the output is still written)
  2  an input cannot be read or parsed, or the flags are wrong`

export const OPERATOR_EXIT_CODES = `EXIT CODES
  0  the daemon accepted the request
  1  refused (the reason is printed), or no daemon answers on the socket`
